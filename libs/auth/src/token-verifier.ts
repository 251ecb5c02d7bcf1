import { createSecretKey, type KeyObject } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import * as jwt from 'jsonwebtoken';
import { APP_CONFIG, AppConfig } from '@app/config';
import { AuthError, MainBackendClaims } from './auth-user';

/** The main backend signs HS256 only; pinning the list refuses `none` and RS/HS confusion. */
export const ACCEPTED_ALGORITHMS: jwt.Algorithm[] = ['HS256'];

/** The options jsonwebtoken checks: algorithm always, issuer and audience when configured. */
export interface TokenVerifyOptions {
  algorithms: jwt.Algorithm[];
  issuer?: string;
  audience?: [string, ...string[]];
}

/**
 * The one definition of an acceptable main-backend token, used by the HTTP strategy and the socket handshake:
 * jsonwebtoken checks signature, algorithm, exp, nbf, iss and aud; `checkLifetime` adds what it cannot.
 */
@Injectable()
export class TokenVerifier {
  readonly options: TokenVerifyOptions;
  /**
   * The shared secret as a key object, made once: given the string, jsonwebtoken makes one on every verification,
   * which was a tenth of the api's CPU under load.
   */
  readonly key: KeyObject;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.key = createSecretKey(Buffer.from(config.auth.jwtSecret, 'utf8'));
    const { issuer, audience } = config.auth;
    this.options = {
      algorithms: ACCEPTED_ALGORITHMS,
      ...(issuer ? { issuer } : {}),
      ...(audience && audience.length > 0 ? { audience: audience as [string, ...string[]] } : {}),
    };
  }

  verify(token: string): MainBackendClaims {
    try {
      const payload = jwt.verify(token, this.key, this.options);
      if (typeof payload === 'string') throw new AuthError(401, 'token_invalid', 'Token payload must be a JSON object');
      return this.checkLifetime(payload as MainBackendClaims);
    } catch (err) {
      throw toAuthError(err);
    }
  }

  /**
   * A token without `exp` would be valid forever, and one with a far `exp` nearly so: a leaked token must stop
   * working within the main backend's own lifetime. An `iat` in the future does not stretch the lifetime.
   */
  checkLifetime(claims: MainBackendClaims, nowMs = Date.now()): MainBackendClaims {
    if (typeof claims.exp !== 'number' || !Number.isFinite(claims.exp))
      throw new AuthError(401, 'token_invalid', 'Token has no expiry');
    const now = Math.floor(nowMs / 1000);
    const issuedAt = typeof claims.iat === 'number' && Number.isFinite(claims.iat) ? Math.min(claims.iat, now) : now;
    if (claims.exp - issuedAt > this.config.auth.maxTokenLifetimeS)
      throw new AuthError(401, 'token_invalid', 'Token lifetime is longer than accepted');
    return claims;
  }
}

/** Maps jsonwebtoken's errors (and passport-jwt's `info`) to our codes without echoing token content. */
export function toAuthError(err: unknown): AuthError {
  if (err instanceof AuthError) return err;
  if (err instanceof jwt.TokenExpiredError) return new AuthError(401, 'token_expired', 'Token has expired');
  if (err instanceof jwt.NotBeforeError) return new AuthError(401, 'token_not_active', 'Token is not active yet');
  if (err instanceof jwt.JsonWebTokenError) return new AuthError(401, 'token_invalid', 'Token is invalid');
  if (err instanceof Error && /no auth token/i.test(err.message)) {
    return new AuthError(401, 'token_missing', 'Authentication token is missing');
  }
  return new AuthError(401, 'token_invalid', 'Token is invalid');
}
