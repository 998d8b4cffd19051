import type { UserRole } from '../../core/types';

/** A person at work as the auth store answers them: never with their password hash. */
export interface AuthUser {
  id: string;
  email: string;
  name: string;
  role: UserRole;
  teams: string[];
  active: boolean;
}

/** A user found by a session cookie's hash, with the session it proved. */
export interface SessionUser {
  user: AuthUser;
  sessionId: string;
  csrfToken: string;
}

/** What an API token may do: `read` (GET only), `write` (all but tokens, users, password), `full`. */
export type TokenScope = 'read' | 'write' | 'full';

/** An API token as its owner sees it: never its hash. */
export interface ApiTokenRecord {
  id: string;
  name: string;
  prefix: string;
  scope: TokenScope;
  keepOnPasswordChange: boolean;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** The users columns the auth statements select, over a `users` row aliased `u`. */
export const USER_COLUMNS = 'u.id, u.email, u.name, u.role, u.teams, u.active';

/** A `users` row as `USER_COLUMNS` selects it. */
export interface UserRow {
  id: string;
  email: string;
  name: string;
  role: UserRole;
  teams: string[] | null;
  active: boolean;
}

export const authUser = (row: UserRow): AuthUser => ({
  id: row.id,
  email: row.email,
  name: row.name,
  role: row.role,
  teams: row.teams ?? [],
  active: row.active,
});
