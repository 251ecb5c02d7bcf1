import { Router, urlencoded, type Request, type Response } from 'express';
import { AuthError, AuthService, AuthUser } from '@app/auth';
import { prefersHtml, sendError } from './queue-board-auth';
import { sendPage, signInPage } from './queue-board-pages';
import { BOARD_SESSION_COOKIE, boardCookieOptions, QueueBoardSessions } from './queue-board-session';

export interface QueueBoardSignInOptions {
  auth: AuthService;
  sessions: QueueBoardSessions;
  base: string;
}

/**
 * The browser way in for admins: a browser cannot attach an Authorization header to a page it navigates to, so
 * `GET <base>/sign-in` serves a form where the admin pastes their JWT, `POST <base>/sign-in` checks it exactly as
 * the API does (signature, account, role read from the user document) and answers with the board session
 * cookie, and `POST <base>/sign-out` clears it. The token travels once, in the form body: never in a URL.
 */
export function queueBoardSignIn({ auth, sessions, base }: QueueBoardSignInOptions): Router {
  const router = Router();
  const ttlMinutes = Math.round(sessions.ttlMs / 60_000);
  const form = urlencoded({ extended: false, limit: '16kb' });

  const showForm = (res: Response, status: number, message?: string) =>
    sendPage(res, status, 'Queue board sign-in', signInPage({ base, ttlMinutes, message }));

  router.get('/sign-in', async (req, res) => {
    const session = await currentSession(req);
    if (!session) return showForm(res, 200);
    const { user, expiresAt } = session;
    sendPage(
      res,
      200,
      'Queue board session',
      signInPage({ base, ttlMinutes, session: { email: user.email, userId: user.id, expiresAt } }),
    );
  });

  router.post('/sign-in', form, async (req: Request, res: Response, next) => {
    const fail = (status: number, code: string, message: string) =>
      prefersHtml(req) ? showForm(res, status, message) : sendError(req, res, status, code, message);
    const raw: unknown = req.body?.token;
    // Pasting the whole header value ("Bearer eyJ...") is an easy mistake to forgive.
    const token = typeof raw === 'string' ? raw.trim().replace(/^Bearer\s+/i, '') : '';
    if (!token) return fail(400, 'token_missing', 'Paste an admin token (JWT) to sign in');
    let user: AuthUser;
    try {
      user = await auth.authenticateToken(token);
    } catch (err) {
      if (err instanceof AuthError) return fail(err.status, err.code, err.message);
      return next(err);
    }
    if (!user.isAdmin) return fail(403, 'admin_only', 'Administrator role required');
    const session = sessions.issue(user.id, user.tokenExpiresAt);
    res.cookie(BOARD_SESSION_COOKIE, session.value, {
      ...boardCookieOptions(req, base),
      expires: new Date(session.expiresAt),
    });
    res.set('Cache-Control', 'no-store');
    if (prefersHtml(req)) return res.redirect(303, base);
    res.json({ expiresAt: new Date(session.expiresAt).toISOString() });
  });

  router.post('/sign-out', (req, res) => {
    res.clearCookie(BOARD_SESSION_COOKIE, boardCookieOptions(req, base));
    if (prefersHtml(req)) return res.redirect(303, `${base}/sign-in`);
    res.status(204).end();
  });

  /** The admin behind a valid session cookie, for the sign-in page to offer the board and sign-out instead. */
  async function currentSession(req: Request): Promise<{ user: AuthUser; expiresAt: number } | null> {
    const cookie: unknown = req.cookies?.[BOARD_SESSION_COOKIE];
    const session = typeof cookie === 'string' ? sessions.read(cookie) : null;
    if (!session) return null;
    const user = await auth.authenticateClaims({ id: session.userId }).catch(() => null);
    return user?.isAdmin ? { user, expiresAt: session.expiresAt } : null;
  }

  return router;
}
