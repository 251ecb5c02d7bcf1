import { CanActivate, ExecutionContext, ForbiddenException, HttpException, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { AuthError, AuthUser } from './auth-user';
import { IS_PUBLIC } from './decorators';
import { toAuthError } from './token-verifier';

export function authErrorToHttp(err: AuthError): HttpException {
  return new HttpException({ statusCode: err.status, code: err.code, message: err.message }, err.status);
}

/** Global guard: every route needs a valid main-backend token unless marked @Public(). */
@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override canActivate(ctx: ExecutionContext) {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [ctx.getHandler(), ctx.getClass()]);
    return isPublic ? true : super.canActivate(ctx);
  }

  override handleRequest<T = AuthUser>(err: unknown, user: T | false, info: unknown): T {
    if (err instanceof AuthError) throw authErrorToHttp(err);
    // Anything else (e.g. the user lookup failing while Mongo is down) is not the caller's fault:
    // the global filter answers it as 503/500, never as a misleading 401.
    if (err) throw err;
    if (!user) throw authErrorToHttp(toAuthError(info));
    return user;
  }
}

/** Admins only; runs after JwtAuthGuard so an anonymous caller still gets 401, a non-admin 403. */
@Injectable()
export class AdminGuard implements CanActivate {
  canActivate(ctx: ExecutionContext): boolean {
    const user: AuthUser | undefined = ctx.switchToHttp().getRequest().user;
    if (!user?.isAdmin) throw new ForbiddenException({ code: 'admin_only', message: 'Administrator role required' });
    return true;
  }
}
