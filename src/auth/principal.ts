import type { UserRole } from '../core/types';

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
  /** Set when the request carried an API token. */
  tokenId?: string;
}

/** Admins and managers see every conversation; agents see their share (see inbox/access.ts). */
export function seesEverything(principal: Pick<Principal, 'role'>): boolean {
  return principal.role === 'admin' || principal.role === 'manager';
}

/** A user as the auth queries select it. */
export interface UserRow {
  id: string;
  email: string;
  name: string;
  role: UserRole;
  teams: string[];
  active: boolean;
}

export const USER_COLUMNS = 'u.id, u.email, u.name, u.role, u.teams, u.active';

type Credential = Pick<Principal, 'via' | 'sessionId' | 'csrfToken' | 'tokenId'>;

export function principalOf(row: UserRow, credential: Credential): Principal {
  return { id: row.id, email: row.email, name: row.name, role: row.role, teams: row.teams ?? [], ...credential };
}
