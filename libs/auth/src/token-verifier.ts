import { Inject, Injectable } from '@nestjs/common';
import * as jwt from 'jsonwebtoken';
import { APP_CONFIG, AppConfig } from '@app/config';
import { AuthError, MainBackendClaims } from './auth-user';

/** The main backend signs HS256 only; pinning the list refuses `none` and RS/HS confusion. */
export const ACCEPTED_ALGORITHMS: jwt.Algorithm[] = ['HS256'];

@Injectable()
export class TokenVerifier {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  verify(token: string): MainBackendClaims {
    try {
      const payload = jwt.verify(token, this.config.auth.jwtSecret, { algorithms: ACCEPTED_ALGORITHMS });
      if (typeof payload === 'string') throw new AuthError(401, 'token_invalid', 'Token payload must be a JSON object');
      return payload as MainBackendClaims;
    } catch (err) {
      throw toAuthError(err);
    }
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
