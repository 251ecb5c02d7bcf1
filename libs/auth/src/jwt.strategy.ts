import { Injectable } from '@nestjs/common';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { MainBackendClaims } from './auth-user';
import { AuthService } from './auth.service';
import { TokenVerifier } from './token-verifier';

/**
 * passport-jwt configured for the main backend's tokens, with the same checks as TokenVerifier (its options,
 * then its lifetime check). It is used as an instance (see JwtAuthGuard), not registered by name in passport's
 * process-wide registry, so two apps in one process (tests, or an embedding host) never authenticate through
 * each other's database connection.
 */
@Injectable()
export class JwtStrategy extends Strategy {
  constructor(tokens: TokenVerifier, auth: AuthService) {
    super(
      {
        jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
        // passport-jwt hands it to jsonwebtoken as is; its types predate key objects.
        secretOrKey: tokens.key as unknown as string,
        ...tokens.options,
        ignoreExpiration: false,
      },
      (claims: MainBackendClaims, done: (err: unknown, user?: unknown) => void) => {
        Promise.resolve()
          .then(() => auth.authenticateClaims(tokens.checkLifetime(claims)))
          .then(
            (user) => done(null, user),
            (err: unknown) => done(err),
          );
      },
    );
  }
}
