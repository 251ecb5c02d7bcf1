import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { APP_CONFIG, AppConfig } from '@app/config';
import { AuthUser, MainBackendClaims } from './auth-user';
import { AuthService } from './auth.service';
import { ACCEPTED_ALGORITHMS } from './token-verifier';

@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly auth: AuthService,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: config.auth.jwtSecret,
      algorithms: ACCEPTED_ALGORITHMS,
      ignoreExpiration: false,
    });
  }

  validate(claims: MainBackendClaims): Promise<AuthUser> {
    return this.auth.authenticateClaims(claims);
  }
}
