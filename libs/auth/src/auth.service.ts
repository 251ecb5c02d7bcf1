import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/config';
import { AccountState, isObjectIdHex, UsersRepository } from '@app/database';
import { AuthError, AuthUser, MainBackendClaims } from './auth-user';
import { TokenVerifier } from './token-verifier';
import { TtlCache } from './ttl-cache';

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
    if (!account) throw new AuthError(401, 'user_not_found', 'User does not exist');
    if (account.status === 'blocked') throw new AuthError(403, 'user_blocked', 'User account is blocked');
    // The database is the authority on role: a token minted before a demotion must not keep admin rights.
    const role = String(account.role ?? claims.role ?? 'USER').toUpperCase() === 'ADMIN' ? 'ADMIN' : 'USER';
    return {
      id: claims.id.toLowerCase(),
      email: account.email ?? claims.email ?? null,
      role,
      isAdmin: role === 'ADMIN',
      partnerId: account.partnerId ? String(account.partnerId) : null,
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
    const account = await this.loadAccount(user.id);
    if (!account) throw new AuthError(401, 'user_not_found', 'User does not exist');
    if (account.status === 'blocked') throw new AuthError(403, 'user_blocked', 'User account is blocked');
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
