import { hkdfSync } from 'node:crypto';
import type { CookieOptions, Request } from 'express';
import * as jwt from 'jsonwebtoken';

/** The board's own cookie: set by the sign-in page, sent by the browser only to the board's paths. */
export const BOARD_SESSION_COOKIE = 'fab_board_session';

const AUDIENCE = 'queue-board';

/**
 * Short-lived board sessions for admins who signed in with their JWT. The cookie holds a token of our own,
 * signed with a key derived from JWT_SECRET for this one purpose: a main-backend token is not a valid cookie
 * and a cookie is not a valid bearer token, every api instance can check any cookie, and rotating
 * JWT_SECRET ends every session. It carries only the user id: the role is read again on each request.
 */
export class QueueBoardSessions {
  private readonly key: Buffer;

  constructor(
    jwtSecret: string,
    readonly ttlMs: number,
  ) {
    this.key = Buffer.from(hkdfSync('sha256', jwtSecret, 'finance-ai-brain', 'queue-board-session', 32));
  }

  /** A session for this user, never outliving the token it was exchanged for. */
  issue(userId: string, tokenExpiresAt: number | null, now = Date.now()): { value: string; expiresAt: number } {
    const expiresAt = Math.min(now + this.ttlMs, tokenExpiresAt ?? Infinity);
    const claims = { sub: userId, aud: AUDIENCE, iat: Math.floor(now / 1000), exp: Math.floor(expiresAt / 1000) };
    const value = jwt.sign(claims, this.key, { algorithm: 'HS256' });
    return { value, expiresAt };
  }

  /** The user and expiry of a valid, unexpired session; null for anything else (forged, expired, another key). */
  read(value: string): { userId: string; expiresAt: number } | null {
    try {
      const claims = jwt.verify(value, this.key, { algorithms: ['HS256'], audience: AUDIENCE });
      if (typeof claims !== 'object' || typeof claims.sub !== 'string' || typeof claims.exp !== 'number') return null;
      return { userId: claims.sub, expiresAt: claims.exp * 1000 };
    } catch {
      return null;
    }
  }
}

/**
 * HttpOnly (no script reads it), SameSite=Strict (no other site's page can make the browser send it), scoped to
 * the board's paths, and Secure when the browser reached us over https (directly or through a TLS proxy).
 */
export function boardCookieOptions(req: Request, path: string): CookieOptions {
  const forwarded = String(req.headers['x-forwarded-proto'] ?? '')
    .split(',')[0]
    .trim();
  return { httpOnly: true, sameSite: 'strict', secure: req.secure || forwarded === 'https', path };
}
