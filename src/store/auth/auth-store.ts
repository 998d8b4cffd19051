import { IsNull, type DataSource, type EntityManager } from 'typeorm';
import { AppError } from '../../core/errors';
import type { EventBus } from '../../core/events';
import type { UserRole } from '../../core/types';
import { ApiToken, User } from '../entities';
import { queryRows } from '../prepared-query';
import {
  authUser,
  USER_COLUMNS,
  type ApiTokenRecord,
  type AuthUser,
  type SessionUser,
  type TokenScope,
  type UserRow,
} from './auth-records';

const UNIQUE_VIOLATION = '23505';

/** A user as it is written: email and teams already normalised by the caller (UserDirectory). */
export interface UserInsert {
  email: string;
  name: string;
  role: UserRole;
  passwordHash: string | null;
  teams: string[];
}

/** The fields an update sets; an absent field keeps its value. */
export interface UserUpdate {
  name?: string;
  role?: UserRole;
  teams?: string[];
  active?: boolean;
}

/**
 * The only code that touches `users`, `sessions` and `api_tokens`. It publishes what the inbox's
 * live sockets must obey itself, after the change is committed: `access.revoked` when sessions,
 * tokens or a whole user stop working, `access.changed` when a user's role or teams change.
 * Hashing, secrets and password rules stay in src/auth; this store sees only hashes.
 */
export class AuthStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly bus: EventBus,
  ) {}

  /** Inserts a user; a taken email is EMAIL_TAKEN (409). */
  async insertUser(user: UserInsert): Promise<AuthUser> {
    try {
      const [row] = await queryRows<UserRow>(
        this.dataSource.manager,
        `INSERT INTO users AS u (email, name, role, password_hash, teams) VALUES ($1, $2, $3, $4, $5)
         RETURNING ${USER_COLUMNS}`,
        [user.email, user.name, user.role, user.passwordHash, user.teams],
      );
      return authUser(row);
    } catch (error) {
      if ((error as { code?: string }).code === UNIQUE_VIOLATION) throw new AppError('EMAIL_TAKEN');
      throw error;
    }
  }

  async listUsers(): Promise<AuthUser[]> {
    const users = await this.dataSource.getRepository(User).find({ order: { name: 'ASC', email: 'ASC' } });
    return users.map(authUser);
  }

  async findUser(id: string): Promise<AuthUser | null> {
    const user = await this.dataSource.getRepository(User).findOneBy({ id });
    return user ? authUser(user) : null;
  }

  /** The active user with this email, compared case-insensitively (a Slack profile's email). */
  async findActiveUserByEmail(email: string): Promise<AuthUser | null> {
    const [row] = await queryRows<UserRow>(
      this.dataSource.manager,
      `SELECT ${USER_COLUMNS} FROM users u WHERE lower(u.email) = lower($1) AND u.active`,
      [email],
    );
    return row ? authUser(row) : null;
  }

  /** The user stored under this (normalised) email with their password hash, to check a login. */
  async findCredentials(email: string): Promise<{ user: AuthUser; passwordHash: string | null } | null> {
    const [row] = await queryRows<UserRow & { password_hash: string | null }>(
      this.dataSource.manager,
      `SELECT ${USER_COLUMNS}, u.password_hash FROM users u WHERE u.email = $1`,
      [email],
    );
    return row ? { user: authUser(row), passwordHash: row.password_hash } : null;
  }

  /** The user's password hash; null when they have none or do not exist. */
  async passwordHash(id: string): Promise<string | null> {
    const [row] = await queryRows<{ password_hash: string | null }>(
      this.dataSource.manager,
      'SELECT password_hash FROM users WHERE id = $1',
      [id],
    );
    return row?.password_hash ?? null;
  }

  /** False when there is no such user. */
  async setPasswordHash(id: string, passwordHash: string): Promise<boolean> {
    const result = await this.dataSource.getRepository(User).update({ id }, { passwordHash });
    return (result.affected ?? 0) > 0;
  }

  /**
   * Applies the given fields, null when there is no such user. Deactivating a user deletes their
   * sessions in the same transaction and revokes everything they hold (their tokens stop working
   * because every token lookup requires an active user); a new role or teams reach their sockets.
   */
  async updateUser(id: string, changes: UserUpdate): Promise<AuthUser | null> {
    const row = await this.dataSource.transaction(async (tx) => {
      if ((changes.role !== undefined && changes.role !== 'admin') || changes.active === false) {
        await this.keepAnAdmin(tx, id);
      }
      const [updated] = await queryRows<UserRow>(
        tx,
        `UPDATE users u SET name = COALESCE($2, name), role = COALESCE($3, role), teams = COALESCE($4, teams),
                active = COALESCE($5, active), updated_at = now()
          WHERE id = $1 RETURNING ${USER_COLUMNS}`,
        [id, changes.name ?? null, changes.role ?? null, changes.teams ?? null, changes.active ?? null],
      );
      if (updated && changes.active === false) await queryRows(tx, 'DELETE FROM sessions WHERE user_id = $1', [id]);
      return updated;
    });
    if (!row) return null;
    const user = authUser(row);
    if (changes.active === false) {
      this.bus.publish('access.revoked', { userId: id, sessionIds: [], tokenIds: [], wholeUser: true });
    } else if (changes.role !== undefined || changes.teams !== undefined) {
      this.bus.publish('access.changed', { userId: id, role: user.role, teams: user.teams });
    }
    return user;
  }

  /**
   * Refuses (LAST_ADMIN) to demote or deactivate `id` when they are the only active admin, so a
   * hub always has someone who can administer it. The active admins' rows are locked, so two
   * admins demoting each other at once cannot both succeed.
   */
  private async keepAnAdmin(tx: EntityManager, id: string): Promise<void> {
    const admins = await queryRows<{ id: string }>(
      tx,
      "SELECT id FROM users WHERE role = 'admin' AND active ORDER BY id FOR UPDATE",
      [],
    );
    if (admins.length === 1 && admins[0].id === id) throw new AppError('LAST_ADMIN');
  }

  async insertSession(session: {
    userId: string;
    tokenHash: string;
    csrfToken: string;
    userAgent: string | null;
    days: number;
  }): Promise<{ id: string; expiresAt: Date }> {
    const [row] = await queryRows<{ id: string; expires_at: Date }>(
      this.dataSource.manager,
      `INSERT INTO sessions (user_id, token_hash, csrf_token, user_agent, expires_at)
       VALUES ($1, $2, $3, $4, now() + make_interval(days => $5)) RETURNING id, expires_at`,
      [session.userId, session.tokenHash, session.csrfToken, session.userAgent, session.days],
    );
    return { id: row.id, expiresAt: new Date(row.expires_at) };
  }

  /** The active user of an unexpired session with this cookie hash. */
  async findSessionUser(tokenHash: string): Promise<SessionUser | null> {
    const [row] = await queryRows<UserRow & { session_id: string; csrf_token: string }>(
      this.dataSource.manager,
      `SELECT ${USER_COLUMNS}, s.id AS session_id, s.csrf_token
         FROM sessions s JOIN users u ON u.id = s.user_id
        WHERE s.token_hash = $1 AND s.expires_at > now() AND u.active`,
      [tokenHash],
    );
    return row ? { user: authUser(row), sessionId: row.session_id, csrfToken: row.csrf_token } : null;
  }

  /**
   * Deletes the user's session `only`, or every one but `except` (null: all of them), and tells
   * the inbox which ones ended so their sockets close.
   */
  async endSessions(userId: string, which: { only: string } | { except: string | null }): Promise<void> {
    const [condition, value] =
      'only' in which ? ['id = $2', which.only] : ['($2::uuid IS NULL OR id <> $2)', which.except];
    const rows = await queryRows<{ id: string }>(
      this.dataSource.manager,
      `DELETE FROM sessions WHERE user_id = $1 AND ${condition} RETURNING id`,
      [userId, value],
    );
    if (rows.length === 0) return;
    this.bus.publish('access.revoked', {
      userId,
      sessionIds: rows.map((row) => row.id),
      tokenIds: [],
      wholeUser: false,
    });
  }

  async insertToken(token: {
    userId: string;
    name: string;
    tokenHash: string;
    prefix: string;
    scope: TokenScope;
    keepOnPasswordChange: boolean;
  }): Promise<ApiTokenRecord> {
    const [row] = await queryRows<TokenRow>(
      this.dataSource.manager,
      `INSERT INTO api_tokens (user_id, name, token_hash, prefix, scope, keep_on_password_change)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${TOKEN_COLUMNS}`,
      [token.userId, token.name, token.tokenHash, token.prefix, token.scope, token.keepOnPasswordChange],
    );
    return tokenRecord(row);
  }

  /** The user's tokens, newest first, revoked ones included. */
  async listTokens(userId: string): Promise<ApiTokenRecord[]> {
    const rows = await queryRows<TokenRow>(
      this.dataSource.manager,
      `SELECT ${TOKEN_COLUMNS} FROM api_tokens WHERE user_id = $1 ORDER BY created_at DESC`,
      [userId],
    );
    return rows.map(tokenRecord);
  }

  /**
   * After a password change: revokes the user's live tokens that were not made to outlive it,
   * and tells the inbox, so their sockets close too. Returns how many ended.
   */
  async revokeTokensOnPasswordChange(userId: string): Promise<number> {
    const rows = await queryRows<{ id: string }>(
      this.dataSource.manager,
      `UPDATE api_tokens SET revoked_at = now()
        WHERE user_id = $1 AND revoked_at IS NULL AND NOT keep_on_password_change RETURNING id`,
      [userId],
    );
    if (rows.length > 0) {
      this.bus.publish('access.revoked', {
        userId,
        sessionIds: [],
        tokenIds: rows.map((row) => row.id),
        wholeUser: false,
      });
    }
    return rows.length;
  }

  /** Revokes one of the user's live tokens; false when they have no such token (or it was revoked). */
  async revokeToken(userId: string, tokenId: string): Promise<boolean> {
    const result = await this.dataSource
      .getRepository(ApiToken)
      .update({ id: tokenId, userId, revokedAt: IsNull() }, { revokedAt: () => 'now()' });
    if ((result.affected ?? 0) === 0) return false;
    this.bus.publish('access.revoked', { userId, sessionIds: [], tokenIds: [tokenId], wholeUser: false });
    return true;
  }

  /** The active user of a live token with this hash, marking the token used. */
  async useToken(tokenHash: string): Promise<{ user: AuthUser; tokenId: string; scope: TokenScope } | null> {
    const [row] = await queryRows<UserRow & { token_id: string; scope: TokenScope }>(
      this.dataSource.manager,
      `UPDATE api_tokens t SET last_used_at = now()
         FROM users u
        WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.id = t.user_id AND u.active
       RETURNING ${USER_COLUMNS}, t.id AS token_id, t.scope`,
      [tokenHash],
    );
    return row ? { user: authUser(row), tokenId: row.token_id, scope: row.scope } : null;
  }
}

const TOKEN_COLUMNS = 'id, name, prefix, scope, keep_on_password_change, created_at, last_used_at, revoked_at';

interface TokenRow {
  id: string;
  name: string;
  prefix: string;
  scope: TokenScope;
  keep_on_password_change: boolean;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const dateOrNull = (value: Date | null): Date | null => (value === null ? null : new Date(value));

const tokenRecord = (row: TokenRow): ApiTokenRecord => ({
  id: row.id,
  name: row.name,
  prefix: row.prefix,
  scope: row.scope,
  keepOnPasswordChange: row.keep_on_password_change,
  createdAt: new Date(row.created_at),
  lastUsedAt: dateOrNull(row.last_used_at),
  revokedAt: dateOrNull(row.revoked_at),
});
