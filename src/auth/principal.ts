import type { UserRole } from '../core/types';
import type { AuthUser, TokenScope } from '../store/auth/auth-records';

/** The person behind a request or a socket, however they proved it. */
export interface Principal {
  id: string;
  email: string;
  name: string;
  role: UserRole;
  teams: string[];
  // 'slack': a Slack user acting through the Slack app, matched to this user by email.
  via: 'session' | 'token' | 'slack';
  /** Set when signed in by cookie: the session to end on logout, and its CSRF token. */
  sessionId?: string;
  csrfToken?: string;
  /** Set when the request carried an API token: which one, and what it may do. */
  tokenId?: string;
  tokenScope?: TokenScope;
}

/** Admins and managers see every conversation; agents see their share (see inbox/access.ts). */
export function seesEverything(principal: Pick<Principal, 'role'>): boolean {
  return principal.role === 'admin' || principal.role === 'manager';
}

type Credential = Pick<Principal, 'via' | 'sessionId' | 'csrfToken' | 'tokenId' | 'tokenScope'>;

export function principalOf(user: AuthUser, credential: Credential): Principal {
  return { id: user.id, email: user.email, name: user.name, role: user.role, teams: user.teams, ...credential };
}
