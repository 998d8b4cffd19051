import { AppError } from '../core/errors';
import { normalizeEmail } from '../core/identity';
import type { UserRole } from '../core/types';
import type { AuthUser } from '../store/auth/auth-records';
import type { AuthStore } from '../store/auth/auth-store';
import { decoyHash, hashPassword, verifyPassword } from './passwords';

/** A user as the directory shows them: never their password hash. */
export type UserView = AuthUser;

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

/** Teams are short lower-case names; duplicates collapse. */
export function normalizeTeams(teams: string[]): string[] {
  return [...new Set(teams.map((team) => team.trim().toLowerCase()).filter(Boolean))];
}

/** The people who work in the inbox: create, list, change, sign in, change a password. */
export class UserDirectory {
  constructor(private readonly store: AuthStore) {}

  async create(input: NewUser): Promise<UserView> {
    const email = normalizeEmail(input.email);
    return this.store.insertUser({
      email,
      name: input.name?.trim() || email.split('@')[0],
      role: input.role,
      passwordHash: input.password ? await hashPassword(input.password) : null,
      teams: normalizeTeams(input.teams ?? []),
    });
  }

  list(): Promise<UserView[]> {
    return this.store.listUsers();
  }

  async get(id: string): Promise<UserView> {
    const user = await this.store.findUser(id);
    if (!user) throw new AppError('USER_NOT_FOUND');
    return user;
  }

  /**
   * Applies only the listed fields. Deactivating a user ends all their sessions and tokens at
   * once; a new role or teams reach their live sockets at once (the store tells the inbox).
   */
  async update(id: string, changes: UserChanges): Promise<UserView> {
    const user = await this.store.updateUser(id, {
      name: changes.name?.trim() || undefined,
      role: changes.role,
      teams: changes.teams ? normalizeTeams(changes.teams) : undefined,
      active: changes.active,
    });
    if (!user) throw new AppError('USER_NOT_FOUND');
    return user;
  }

  /** The active user with this email and password, or null; as slow for an unknown email as for a wrong password. */
  async verifyLogin(email: string, password: string): Promise<UserView | null> {
    const found = await this.store.findCredentials(normalizeEmail(email));
    const ok = await verifyPassword(found?.passwordHash ?? (await decoyHash()), password);
    if (!found || !ok || !found.user.active) return null;
    return found.user;
  }

  /** Changes a password after checking the current one. The caller ends the other sessions. */
  async changePassword(id: string, currentPassword: string | null, newPassword: string): Promise<void> {
    if (currentPassword !== null && !(await verifyPassword(await this.store.passwordHash(id), currentPassword))) {
      throw new AppError('INVALID_CREDENTIALS', 'The current password is not right');
    }
    if (!(await this.store.setPasswordHash(id, await hashPassword(newPassword)))) throw new AppError('USER_NOT_FOUND');
  }
}
