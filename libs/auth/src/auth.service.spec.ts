import { Types } from 'mongoose';
import type { AppConfig } from '@app/config';
import type { AccountState, UsersRepository } from '@app/database';
import { AuthError } from './auth-user';
import { AuthService } from './auth.service';
import { TokenVerifier } from './token-verifier';

const config = {
  auth: {
    jwtSecret: 'auth-service-spec',
    userCacheTtlMs: 60_000,
    maxTokenLifetimeS: 3600,
    issuer: null,
    audience: null,
  },
} as AppConfig;

/** The users collection as the repository returns it, counting the queries made. */
function usersWith(docs: Array<Partial<AccountState> & { _id: Types.ObjectId }>) {
  const queries: string[][] = [];
  const byId = (id: string) => (docs.find((d) => d._id.toHexString() === id) as AccountState | undefined) ?? null;
  const repo = {
    findAccount: async (id: string) => {
      queries.push([id]);
      return byId(id);
    },
    findAccounts: async (ids: string[]) => {
      queries.push(ids);
      return ids.map(byId).filter((a): a is AccountState => a !== null);
    },
  } as unknown as UsersRepository;
  return { repo, queries };
}

async function refusalOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'allowed';
  } catch (err) {
    return err instanceof AuthError ? `${err.status} ${err.code}` : String(err);
  }
}

describe('AuthService', () => {
  const exp = Math.floor(Date.now() / 1000) + 600;

  it('takes the role from the user document only: a document without one is USER whatever the token says', async () => {
    const noRole = new Types.ObjectId();
    const admin = new Types.ObjectId();
    const { repo } = usersWith([
      { _id: noRole, status: 'active' },
      { _id: admin, role: 'admin', status: 'active' },
    ]);
    const auth = new AuthService(config, repo, new TokenVerifier(config));
    const asClaimedAdmin = await auth.authenticateClaims({ id: noRole.toHexString(), role: 'ADMIN', exp });
    expect([asClaimedAdmin.role, asClaimedAdmin.isAdmin]).toEqual(['USER', false]);
    const real = await auth.authenticateClaims({ id: admin.toHexString(), role: 'USER', exp });
    expect([real.role, real.isAdmin]).toEqual(['ADMIN', true]);
  });

  it.each(['blocked', 'Blocked', 'BLOCKED', ' blocked '])('refuses status %j as blocked', async (status) => {
    const id = new Types.ObjectId();
    const { repo } = usersWith([{ _id: id, role: 'USER', status }]);
    const auth = new AuthService(config, repo, new TokenVerifier(config));
    expect(await refusalOf(auth.authenticateClaims({ id: id.toHexString(), exp }))).toBe('403 user_blocked');
  });

  it('rechecks many users in one query, bypassing the cache, and names each one refused', async () => {
    const active = new Types.ObjectId();
    const blocked = new Types.ObjectId();
    const gone = new Types.ObjectId();
    const docs = [
      { _id: active, role: 'USER', status: 'active' },
      { _id: blocked, role: 'USER', status: 'active' },
    ];
    const { repo, queries } = usersWith(docs);
    const auth = new AuthService(config, repo, new TokenVerifier(config));
    await auth.authenticateClaims({ id: blocked.toHexString(), exp }); // cached as active
    docs[1].status = 'BLOCKED';
    queries.length = 0;

    const refusals = await auth.recheckAccounts([active, blocked, gone].map((id) => id.toHexString()));
    expect(queries).toHaveLength(1);
    expect([...refusals].map(([id, err]) => [id, err.status, err.code])).toEqual([
      [blocked.toHexString(), 403, 'user_blocked'],
      [gone.toHexString(), 401, 'user_not_found'],
    ]);
    // The fresh reading replaced the cached one.
    expect(await refusalOf(auth.authenticateClaims({ id: blocked.toHexString(), exp }))).toBe('403 user_blocked');
    expect(queries).toHaveLength(1);
  });
});
