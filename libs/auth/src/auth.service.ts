import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { AccountState, isBlockedStatus, isObjectIdHex, UsersRepository } from '@app/database';
import { AuthError, AuthUser, MainBackendClaims, Role } from './auth-user';
import { TokenVerifier } from './token-verifier';
import { TtlCache } from './ttl-cache';

/** Accounts looked up in one query when open sockets are rechecked together. */
const RECHECK_BATCH = 500;

/** Turns verified claims into an AuthUser, refusing accounts the main backend has deleted or blocked. */
@Injectable()
export class AuthService {
  private readonly accounts: TtlCache<AccountState | null>;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly users: UsersRepository,
    private readonly tokens: TokenVerifier,
  ) {
    this.accounts = new TtlCache(config.auth.userCacheTtlMs);
  }

  async authenticateToken(token: string | undefined | null): Promise<AuthUser> {
    if (!token) throw new AuthError(401, 'token_missing', 'Authentication token is missing');
    return this.authenticateClaims(this.tokens.verify(token));
  }

  async authenticateClaims(claims: MainBackendClaims): Promise<AuthUser> {
    if (!isObjectIdHex(claims.id)) throw new AuthError(401, 'token_invalid', 'Token subject is not a valid user id');
    const account = await this.loadAccount(claims.id);
    const refusal = accountRefusal(account);
    if (refusal) throw refusal;
    // The user document is the only authority on role: the token's claim may predate a demotion, and a document
    // without a role is an ordinary user whatever the token says.
    const role = roleOf(account!);
    return {
      id: claims.id.toLowerCase(),
      email: account!.email ?? claims.email ?? null,
      role,
      isAdmin: role === 'ADMIN',
      partnerId: account!.partnerId ? String(account!.partnerId) : null,
      tokenExpiresAt: typeof claims.exp === 'number' ? claims.exp * 1000 : null,
    };
  }

  /**
   * For connections that outlive one request (sockets): the token may have expired and the account may
   * have been blocked or deleted since the handshake. Uses the same short cache as the first check.
   */
  async recheck(user: AuthUser): Promise<void> {
    if (user.tokenExpiresAt !== null && user.tokenExpiresAt <= Date.now())
      throw new AuthError(401, 'token_expired', 'Token has expired');
    const refusal = accountRefusal(await this.loadAccount(user.id));
    if (refusal) throw refusal;
  }

  /**
   * Reads the accounts of many users afresh (a few queries, not one per user), refreshes the cache with them and
   * returns the refusal of each user who may no longer connect. Bypassing the cache is what bounds how long a
   * blocked user's open sockets last to the sweep's period.
   */
  async recheckAccounts(userIds: string[]): Promise<Map<string, AuthError>> {
    const refusals = new Map<string, AuthError>();
    const ids = [...new Set(userIds.map((id) => id.toLowerCase()))].filter(isObjectIdHex);
    for (let i = 0; i < ids.length; i += RECHECK_BATCH) {
      const batch = ids.slice(i, i + RECHECK_BATCH);
      const found = new Map((await this.users.findAccounts(batch)).map((a) => [String(a._id).toLowerCase(), a]));
      for (const id of batch) {
        const account = found.get(id) ?? null;
        this.accounts.set(id, account);
        const refusal = accountRefusal(account);
        if (refusal) refusals.set(id, refusal);
      }
    }
    return refusals;
  }

  private async loadAccount(id: string): Promise<AccountState | null> {
    const key = id.toLowerCase();
    const cached = this.accounts.get(key);
    if (cached !== undefined) return cached;
    const account = await this.users.findAccount(key);
    this.accounts.set(key, account);
    return account;
  }
}

function accountRefusal(account: AccountState | null): AuthError | null {
  if (!account) return new AuthError(401, 'user_not_found', 'User does not exist');
  if (isBlockedStatus(account.status)) return new AuthError(403, 'user_blocked', 'User account is blocked');
  return null;
}

function roleOf(account: AccountState): Role {
  return typeof account.role === 'string' && account.role.trim().toUpperCase() === 'ADMIN' ? 'ADMIN' : 'USER';
}
