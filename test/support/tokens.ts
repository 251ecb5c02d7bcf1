import jwt from 'jsonwebtoken';

export const TEST_JWT_SECRET = 'test-secret-shared-with-main-backend';

/** Signs a token the way the main backend does: HS256 over { id, email, role, partnerId? }. */
export function signMainBackendToken(
  claims: { id: string; email?: string; role?: string; partnerId?: string | null },
  opts: { secret?: string; expiresIn?: jwt.SignOptions['expiresIn']; algorithm?: jwt.Algorithm } = {},
): string {
  return jwt.sign({ email: 'user@example.com', role: 'USER', ...claims }, opts.secret ?? TEST_JWT_SECRET, {
    algorithm: opts.algorithm ?? 'HS256',
    expiresIn: opts.expiresIn ?? '1h',
  });
}

/** An unsigned `alg: none` token, as an attacker would craft it. */
export function unsignedToken(claims: Record<string, unknown>): string {
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 3600, ...claims })}.`;
}
