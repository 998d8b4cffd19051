import type { AuthStore } from '../store/auth/auth-store';
import { principalOf, type Principal } from './principal';
import { newSecret, sha256 } from './secrets';

/** A session lasts two weeks; signing in again starts a new one. */
const SESSION_DAYS = 14;
/** Longer user agents are cut: the column keeps 300 characters. */
const USER_AGENT_LENGTH = 300;

export interface NewSession {
  /** The cookie value: shown to the browser once, stored only as a hash. */
  token: string;
  sessionId: string;
  csrfToken: string;
  expiresAt: Date;
}

/**
 * Browser sessions, kept in the database (not in memory) so any hub process can check them and
 * logout or a password change can end the other ones — and, through the `access.revoked` event
 * the store publishes, close the sockets they opened.
 */
export class SessionStore {
  constructor(private readonly store: AuthStore) {}

  async create(userId: string, userAgent: string | undefined): Promise<NewSession> {
    const token = newSecret();
    const csrfToken = newSecret();
    const session = await this.store.insertSession({
      userId,
      tokenHash: sha256(token),
      csrfToken,
      userAgent: userAgent?.slice(0, USER_AGENT_LENGTH) ?? null,
      days: SESSION_DAYS,
    });
    return { token, sessionId: session.id, csrfToken, expiresAt: session.expiresAt };
  }

  /** The signed-in user of a cookie value, or null (unknown, expired, or the user was deactivated). */
  async find(token: string): Promise<Principal | null> {
    const found = await this.store.findSessionUser(sha256(token));
    if (!found) return null;
    return principalOf(found.user, { via: 'session', sessionId: found.sessionId, csrfToken: found.csrfToken });
  }

  /** Ends one session (logout). */
  async end(userId: string, sessionId: string): Promise<void> {
    await this.store.endSessions(userId, { only: sessionId });
  }

  /** Ends every session of the user except `keepSessionId` (password change, "sign out everywhere"). */
  async endOthers(userId: string, keepSessionId: string | null): Promise<void> {
    await this.store.endSessions(userId, { except: keepSessionId });
  }
}
