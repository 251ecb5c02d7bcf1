import { createHash } from 'node:crypto';
import type { Response } from 'express';

const STYLE = `
body { font: 15px/1.5 system-ui, sans-serif; margin: 0; background: #f4f5f7; color: #1d2330; }
main { max-width: 34rem; margin: 4rem auto; background: #fff; padding: 2rem; border-radius: 8px;
  box-shadow: 0 1px 3px rgba(0,0,0,.12); }
h1 { font-size: 1.25rem; margin-top: 0; }
label { display: block; font-weight: 600; margin-bottom: .25rem; }
textarea { width: 100%; box-sizing: border-box; font: 13px/1.4 ui-monospace, monospace; padding: .5rem; }
button { margin-top: .75rem; padding: .5rem 1.25rem; font: inherit; border: 0; border-radius: 4px;
  background: #2f5bd3; color: #fff; cursor: pointer; }
.message { padding: .5rem .75rem; border-radius: 4px; background: #fdecea; color: #8a1c12; }
.ok { background: #e7f5ea; color: #1d5c2c; }
.hint { color: #5b6475; font-size: 13px; }
`;

/** Inline style allowed by its hash, so the pages need no other asset and the policy allows nothing else. */
const CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body><main>
<h1>finance-ai-brain &middot; queue board</h1>
${body}
</main></body>
</html>`;
}

export function sendPage(res: Response, status: number, title: string, body: string): void {
  res
    .status(status)
    .set({ 'Content-Security-Policy': CSP, 'Cache-Control': 'no-store' })
    .type('html')
    .send(page(title, body));
}

export interface SignInView {
  base: string;
  ttlMinutes: number;
  message?: string;
  /** The admin already holds a board session. */
  session?: { email: string | null; userId: string; expiresAt: number };
}

export function signInPage(view: SignInView): string {
  const message = view.message ? `<p class="message" role="alert">${escapeHtml(view.message)}</p>` : '';
  if (view.session) {
    const who = escapeHtml(view.session.email ?? view.session.userId);
    const until = new Date(view.session.expiresAt).toISOString().replace('T', ' ').slice(0, 16);
    return `${message}<p class="message ok">Signed in as <strong>${who}</strong> until ${until} UTC.</p>
<p><a href="${view.base}">Open the board</a></p>
<form method="post" action="${view.base}/sign-out"><button type="submit">Sign out</button></form>`;
  }
  return `${message}<form method="post" action="${view.base}/sign-in">
<label for="token">Admin token (JWT)</label>
<textarea id="token" name="token" rows="6" required autocomplete="off" spellcheck="false"></textarea>
<button type="submit">Sign in</button>
</form>
<p class="hint">The token is sent once, in this form's body, and exchanged for a board session of at most
${view.ttlMinutes} minutes (an HttpOnly cookie only the board receives). Operators with the board's user and
password can <a href="${view.base}">open the board</a> directly: the browser asks for them.</p>`;
}

export function signInRequiredPage(base: string, basicAuth: boolean, reason: string): string {
  const how = basicAuth
    ? 'Enter the board user and password when your browser asks (reload to be asked again), or'
    : 'Board user and password are not configured (BULL_BOARD_USER / BULL_BOARD_PASSWORD):';
  return `<p class="message" role="alert">${escapeHtml(reason)}</p>
<p>${how} <a href="${base}/sign-in">sign in with an admin token</a>.</p>`;
}
