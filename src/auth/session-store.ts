import type { DataSource } from 'typeorm';
import type { EventBus } from '../core/events';
import { principalOf, USER_COLUMNS, type Principal, type UserRow } from './principal';
import { newSecret, sha256 } from './secrets';

/** A session lasts two weeks; signing in again starts a new one. */
const SESSION_DAYS = 14;

export interface NewSession {
  /** The cookie value: shown to the browser once, stored only as a hash. */
  token: string;
  sessionId: string;
  csrfToken: string;
  expiresAt: Date;
}

/**
 * Browser sessions in the database (not in memory), so any hub process can check them and
 * logout or a password change can end the other ones — and, through `access.revoked`, close
 * the sockets they opened.
 */
export class SessionStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly bus: EventBus,
  ) {}

  async create(userId: string, userAgent: string | undefined): Promise<NewSession> {
    const token = newSecret();
    const csrfToken = newSecret();
    const [row]: { id: string; expires_at: Date }[] = await this.dataSource.query(
      `INSERT INTO sessions (user_id, token_hash, csrf_token, user_agent, expires_at)
       VALUES ($1, $2, $3, $4, now() + make_interval(days => $5)) RETURNING id, expires_at`,
      [userId, sha256(token), csrfToken, userAgent?.slice(0, 300) ?? null, SESSION_DAYS],
    );
    return { token, sessionId: row.id, csrfToken, expiresAt: new Date(row.expires_at) };
  }

  /** The signed-in user of a cookie value, or null (unknown, expired, or the user was deactivated). */
  async find(token: string): Promise<Principal | null> {
    const rows: (UserRow & { session_id: string; csrf_token: string })[] = await this.dataSource.query(
      `SELECT ${USER_COLUMNS}, s.id AS session_id, s.csrf_token
         FROM sessions s JOIN users u ON u.id = s.user_id
        WHERE s.token_hash = $1 AND s.expires_at > now() AND u.active`,
      [sha256(token)],
    );
    if (rows.length === 0) return null;
    return principalOf(rows[0], { via: 'session', sessionId: rows[0].session_id, csrfToken: rows[0].csrf_token });
  }

  /** Ends one session (logout). */
  async end(userId: string, sessionId: string): Promise<void> {
    await this.endWhere(userId, 'id = $2', [sessionId]);
  }

  /** Ends every session of the user except `keepSessionId` (password change, "sign out everywhere"). */
  async endOthers(userId: string, keepSessionId: string | null): Promise<void> {
    await this.endWhere(userId, '($2::uuid IS NULL OR id <> $2)', [keepSessionId]);
  }

  private async endWhere(userId: string, condition: string, params: unknown[]): Promise<void> {
    const [rows]: [{ id: string }[], number] = await this.dataSource.query(
      `DELETE FROM sessions WHERE user_id = $1 AND ${condition} RETURNING id`,
      [userId, ...params],
    );
    if (rows.length === 0) return;
    this.bus.publish('access.revoked', {
      userId,
      sessionIds: rows.map((row) => row.id),
      tokenIds: [],
      wholeUser: false,
    });
  }
}
