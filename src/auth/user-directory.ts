import type { DataSource } from 'typeorm';
import { AppError } from '../core/errors';
import type { EventBus } from '../core/events';
import type { UserRole } from '../core/types';
import { decoyHash, hashPassword, verifyPassword } from './passwords';
import type { UserRow } from './principal';

export interface UserView {
  id: string;
  email: string;
  name: string;
  role: UserRole;
  teams: string[];
  active: boolean;
}

export interface NewUser {
  email: string;
  name?: string;
  role: UserRole;
  password?: string;
  teams?: string[];
}

/** What an admin may change about a user; anything else in a request body is ignored. */
export interface UserChanges {
  name?: string;
  role?: UserRole;
  teams?: string[];
  active?: boolean;
}

const COLUMNS = 'id, email, name, role, teams, active';
const UNIQUE_VIOLATION = '23505';

const view = (row: UserRow): UserView => ({ ...row, teams: row.teams ?? [] });

/** Teams are short lower-case names; duplicates collapse. */
export function normalizeTeams(teams: string[]): string[] {
  return [...new Set(teams.map((team) => team.trim().toLowerCase()).filter(Boolean))];
}

/** The people who work in the inbox: create, list, change, sign in, change a password. */
export class UserDirectory {
  constructor(
    private readonly dataSource: DataSource,
    private readonly bus: EventBus,
  ) {}

  async create(input: NewUser): Promise<UserView> {
    const email = input.email.trim().toLowerCase();
    const passwordHash = input.password ? await hashPassword(input.password) : null;
    try {
      const [row]: UserRow[] = await this.dataSource.query(
        `INSERT INTO users (email, name, role, password_hash, teams) VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
        [email, input.name?.trim() || email.split('@')[0], input.role, passwordHash, normalizeTeams(input.teams ?? [])],
      );
      return view(row);
    } catch (error) {
      if ((error as { code?: string }).code === UNIQUE_VIOLATION) throw new AppError('EMAIL_TAKEN');
      throw error;
    }
  }

  async list(): Promise<UserView[]> {
    const rows: UserRow[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM users ORDER BY name, email`);
    return rows.map(view);
  }

  async get(id: string): Promise<UserView> {
    const rows: UserRow[] = await this.dataSource.query(`SELECT ${COLUMNS} FROM users WHERE id = $1`, [id]);
    if (rows.length === 0) throw new AppError('USER_NOT_FOUND');
    return view(rows[0]);
  }

  /**
   * Applies only the listed fields. Deactivating a user ends all their sessions and tokens at
   * once; a new role or teams reach their live sockets at once (`access.changed`).
   */
  async update(id: string, changes: UserChanges): Promise<UserView> {
    const [rows] = (await this.dataSource.query(
      `UPDATE users SET name = COALESCE($2, name), role = COALESCE($3, role), teams = COALESCE($4, teams),
              active = COALESCE($5, active), updated_at = now()
        WHERE id = $1 RETURNING ${COLUMNS}`,
      [
        id,
        changes.name?.trim() || null,
        changes.role ?? null,
        changes.teams ? normalizeTeams(changes.teams) : null,
        changes.active ?? null,
      ],
    )) as [UserRow[], number];
    if (rows.length === 0) throw new AppError('USER_NOT_FOUND');
    if (changes.active === false) {
      await this.dataSource.query('DELETE FROM sessions WHERE user_id = $1', [id]);
      this.bus.publish('access.revoked', { userId: id, sessionIds: [], tokenIds: [], wholeUser: true });
    } else if (changes.role !== undefined || changes.teams !== undefined) {
      const { role, teams } = view(rows[0]);
      this.bus.publish('access.changed', { userId: id, role, teams });
    }
    return view(rows[0]);
  }

  /** The active user with this email and password, or null; as slow for an unknown email as for a wrong password. */
  async verifyLogin(email: string, password: string): Promise<UserView | null> {
    const rows: (UserRow & { password_hash: string | null })[] = await this.dataSource.query(
      `SELECT ${COLUMNS}, password_hash FROM users WHERE email = $1`,
      [email.trim().toLowerCase()],
    );
    const row = rows[0];
    const ok = await verifyPassword(row?.password_hash ?? (await decoyHash()), password);
    if (!row || !ok || !row.active) return null;
    return view(row);
  }

  /** Changes a password after checking the current one. The caller ends the other sessions. */
  async changePassword(id: string, currentPassword: string | null, newPassword: string): Promise<void> {
    if (currentPassword !== null) {
      const rows: { password_hash: string | null }[] = await this.dataSource.query(
        'SELECT password_hash FROM users WHERE id = $1',
        [id],
      );
      if (!(await verifyPassword(rows[0]?.password_hash ?? null, currentPassword))) {
        throw new AppError('INVALID_CREDENTIALS', 'The current password is not right');
      }
    }
    const [rows] = (await this.dataSource.query(
      'UPDATE users SET password_hash = $2, updated_at = now() WHERE id = $1 RETURNING id',
      [id, await hashPassword(newPassword)],
    )) as [{ id: string }[], number];
    if (rows.length === 0) throw new AppError('USER_NOT_FOUND');
  }
}
