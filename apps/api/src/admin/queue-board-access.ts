/**
 * Who is looking at the board. Operators (the basic-auth pair) may only look; admins (JWT or board session) may
 * also retry a failed job. Kept beside the request rather than in a header, so no client can claim a role.
 */
export type BoardRole = 'operator' | 'admin';

// Keyed by the request's headers object: the one thing the Express middleware and Bull Board's handler hooks
// (which see a copy of the request that keeps the same headers object) both hold.
const roles = new WeakMap<object, BoardRole>();

export function grantBoardRole(req: { headers: object }, role: BoardRole): void {
  roles.set(req.headers, role);
}

/** The role queueBoardAuth granted this request; undefined before it ran or when it refused. */
export function boardRoleOf(headers: object | undefined): BoardRole | undefined {
  return headers ? roles.get(headers) : undefined;
}
