export type Role = 'ADMIN' | 'USER';

/** The caller as our code sees it, after the token and the account have both been checked. */
export interface AuthUser {
  id: string;
  email: string | null;
  role: Role;
  isAdmin: boolean;
  partnerId: string | null;
  /** When the token expires (ms since epoch); an open socket is closed then. Null only for board sessions. */
  tokenExpiresAt: number | null;
}

/** The main backend's token payload. Only `id` is trusted, for identity; role and partner are read from the user document. */
export interface MainBackendClaims {
  id: string;
  email?: string;
  role?: string;
  partnerId?: string | null;
  iat?: number;
  /** Required: TokenVerifier refuses a token without it. */
  exp?: number;
  iss?: string;
  aud?: string | string[];
}

/** Carries the HTTP status our transports should answer with (401 unauthenticated, 403 refused). */
export class AuthError extends Error {
  constructor(
    readonly status: 401 | 403,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'AuthError';
  }
}
