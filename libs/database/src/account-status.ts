/**
 * The main backend writes `status: 'blocked'`, but nothing promises the case or spacing of a hand edit or another
 * client: every reader (the api's account check, daily work, partner data) refuses a blocked account the same way.
 */
export const BLOCKED_STATUS = /^\s*blocked\s*$/i;

export function isBlockedStatus(status: unknown): boolean {
  return typeof status === 'string' && BLOCKED_STATUS.test(status);
}
