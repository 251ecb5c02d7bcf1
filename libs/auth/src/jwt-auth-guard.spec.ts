import { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import jwt from 'jsonwebtoken';
import type { AppConfig } from '@app/config';
import { AuthUser, MainBackendClaims } from './auth-user';
import type { AuthService } from './auth.service';
import { JwtAuthGuard } from './guards';
import { JwtStrategy } from './jwt.strategy';
import { TokenVerifier } from './token-verifier';

const SECRET = 'guard-spec-secret';
const A = 'aaaaaaaaaaaaaaaaaaaaaaaa';
const B = 'bbbbbbbbbbbbbbbbbbbbbbbb';

/** Account checks that take as long as the test says per user, like a cache miss going to the database. */
function slowAccounts(delayMs: Record<string, number>, failing: string[] = []): AuthService {
  const authenticateClaims = (claims: MainBackendClaims) =>
    new Promise<AuthUser>((resolve, reject) =>
      setTimeout(() => {
        if (failing.includes(claims.id))
          return reject(Object.assign(new Error('connect ECONNREFUSED'), { name: 'MongoNetworkError' }));
        resolve({ id: claims.id, email: null, role: 'USER', isAdmin: false, partnerId: null, tokenExpiresAt: null });
      }, delayMs[claims.id] ?? 0),
    );
  return { authenticateClaims } as unknown as AuthService;
}

function guardWith(auth: AuthService): JwtAuthGuard {
  const config = { auth: { jwtSecret: SECRET, maxTokenLifetimeS: 3600, issuer: null, audience: null } } as AppConfig;
  const strategy = new JwtStrategy(new TokenVerifier(config), auth);
  return new JwtAuthGuard({ getAllAndOverride: () => false } as unknown as Reflector, strategy);
}

function requestOf(userId: string) {
  const req: { headers: Record<string, string>; user?: AuthUser } = {
    headers: { authorization: `Bearer ${jwt.sign({ id: userId }, SECRET, { expiresIn: '1h' })}` },
  };
  const ctx = {
    getHandler: () => undefined,
    getClass: () => undefined,
    switchToHttp: () => ({ getRequest: () => req, getResponse: () => ({}) }),
  } as unknown as ExecutionContext;
  return { req, ctx };
}

/** The guard's answer, or 'no answer' if it has none within a moment (a request left hanging). */
const within = (p: Promise<boolean>, ms = 300) =>
  Promise.race([
    p.then(String, (err: Error) => err.name),
    new Promise<string>((r) => setTimeout(() => r('no answer'), ms)),
  ]);

describe('JwtAuthGuard with requests in flight together', () => {
  it('gives each request its own user, however the account checks interleave', async () => {
    const guard = guardWith(slowAccounts({ [A]: 40, [B]: 5 }));
    const a = requestOf(A);
    const b = requestOf(B);
    const outcomes = await Promise.all([
      within(guard.canActivate(a.ctx) as Promise<boolean>),
      within(guard.canActivate(b.ctx) as Promise<boolean>),
    ]);
    expect(outcomes).toEqual(['true', 'true']);
    // B's request must not end up as A once A's slower check completes.
    expect([a.req.user?.id, b.req.user?.id]).toEqual([A, B]);
  });

  it("answers a request whose account check fails late with that failure, not another request's outcome", async () => {
    const guard = guardWith(slowAccounts({ [A]: 40, [B]: 5 }, [A]));
    const a = requestOf(A);
    const b = requestOf(B);
    const outcomes = await Promise.all([
      within(guard.canActivate(a.ctx) as Promise<boolean>),
      within(guard.canActivate(b.ctx) as Promise<boolean>),
    ]);
    expect(outcomes).toEqual(['MongoNetworkError', 'true']);
    expect(b.req.user?.id).toBe(B);
  });
});
