import { CanActivate, ExecutionContext, ForbiddenException, HttpException, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import passport from 'passport';
import { AuthError, AuthUser } from './auth-user';
import { IS_PUBLIC } from './decorators';
import { JwtStrategy } from './jwt.strategy';
import { toAuthError } from './token-verifier';

export function authErrorToHttp(err: AuthError): HttpException {
  return new HttpException({ statusCode: err.status, code: err.code, message: err.message }, err.status);
}

/** Global guard: every route needs a valid main-backend token unless marked @Public(). */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly strategy: JwtStrategy,
  ) {}

  canActivate(ctx: ExecutionContext): boolean | Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [ctx.getHandler(), ctx.getClass()]);
    if (isPublic) return true;
    const req = ctx.switchToHttp().getRequest<Request & { user?: AuthUser }>();
    const res = ctx.switchToHttp().getResponse<Response>();
    return new Promise((resolve, reject) => {
      // passport attaches this request's success/fail/error callbacks to the strategy object it is given. Given
      // the shared instance, a request whose account lookup finishes late would answer whichever request came
      // last (as that user), and leave its own hanging: each request gets an object of its own.
      const perRequest = Object.create(this.strategy) as JwtStrategy;
      passport.authenticate(perRequest, { session: false }, (err: unknown, user: AuthUser | false, info: unknown) => {
        try {
          req.user = this.toUser(err, user, info);
          resolve(true);
        } catch (refusal) {
          reject(refusal);
        }
      })(req, res, reject);
    });
  }

  private toUser(err: unknown, user: AuthUser | false, info: unknown): AuthUser {
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
