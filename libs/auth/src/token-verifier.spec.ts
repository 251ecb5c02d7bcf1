import jwt from 'jsonwebtoken';
import type { AppConfig } from '@app/config';
import { AuthError } from './auth-user';
import { TokenVerifier } from './token-verifier';

const SECRET = 'verifier-spec-secret';
const ID = 'aaaaaaaaaaaaaaaaaaaaaaaa';
const DAY = 86_400;

function verifierWith(auth: Partial<AppConfig['auth']> = {}): TokenVerifier {
  return new TokenVerifier({
    auth: { jwtSecret: SECRET, userCacheTtlMs: 0, maxTokenLifetimeS: 365 * DAY, issuer: null, audience: null, ...auth },
  } as AppConfig);
}

/** The refusal's status and code, or 'accepted'. */
function outcome(verifier: TokenVerifier, token: string): string {
  try {
    verifier.verify(token);
    return 'accepted';
  } catch (err) {
    return err instanceof AuthError ? `${err.status} ${err.code}: ${err.message}` : String(err);
  }
}

const sign = (claims: object, opts: jwt.SignOptions = {}) => jwt.sign({ id: ID, ...claims }, SECRET, opts);

describe('TokenVerifier', () => {
  it("accepts the main backend's tokens: HS256 over { id, email, role } with iat and exp", () => {
    const verifier = verifierWith();
    expect(outcome(verifier, sign({ email: 'a@b.c', role: 'USER' }, { expiresIn: '7d' }))).toBe('accepted');
    expect(outcome(verifier, sign({}, { expiresIn: '365d' }))).toBe('accepted');
  });

  it('refuses a token without exp, which would never expire', () => {
    expect(outcome(verifierWith(), sign({}))).toBe('401 token_invalid: Token has no expiry');
    expect(outcome(verifierWith(), sign({}, { noTimestamp: true }))).toBe('401 token_invalid: Token has no expiry');
  });

  it('refuses a lifetime (exp - iat) longer than JWT_MAX_LIFETIME_S, and an iat in the future cannot hide one', () => {
    const verifier = verifierWith({ maxTokenLifetimeS: 3600 });
    const now = Math.floor(Date.now() / 1000);
    expect(outcome(verifier, sign({}, { expiresIn: 3600 }))).toBe('accepted');
    expect(outcome(verifier, sign({}, { expiresIn: 3601 }))).toBe(
      '401 token_invalid: Token lifetime is longer than accepted',
    );
    expect(outcome(verifier, sign({ iat: now + 10 * DAY, exp: now + 10 * DAY + 60 }))).toBe(
      '401 token_invalid: Token lifetime is longer than accepted',
    );
    expect(outcome(verifier, sign({ exp: now + 2 * 3600 }, { noTimestamp: true }))).toBe(
      '401 token_invalid: Token lifetime is longer than accepted',
    );
  });

  it('checks iss and aud only when they are configured', () => {
    const open = verifierWith();
    const strict = verifierWith({ issuer: 'main-backend', audience: ['finance-ai', 'reho'] });
    const plain = sign({}, { expiresIn: '1h' });
    const right = sign({}, { expiresIn: '1h', issuer: 'main-backend', audience: 'reho' });
    expect(outcome(open, plain)).toBe('accepted');
    expect(outcome(open, right)).toBe('accepted');
    expect(outcome(strict, right)).toBe('accepted');
    expect(outcome(strict, plain)).toBe('401 token_invalid: Token is invalid');
    expect(outcome(strict, sign({}, { expiresIn: '1h', issuer: 'someone-else', audience: 'reho' }))).toBe(
      '401 token_invalid: Token is invalid',
    );
    expect(outcome(strict, sign({}, { expiresIn: '1h', issuer: 'main-backend', audience: 'other-app' }))).toBe(
      '401 token_invalid: Token is invalid',
    );
  });

  it('still refuses expired tokens and other algorithms', () => {
    const verifier = verifierWith();
    expect(outcome(verifier, sign({}, { expiresIn: -1 }))).toBe('401 token_expired: Token has expired');
    expect(outcome(verifier, sign({}, { expiresIn: '1h', algorithm: 'HS512' }))).toBe(
      '401 token_invalid: Token is invalid',
    );
  });
});
