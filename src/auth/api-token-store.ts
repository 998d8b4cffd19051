import type { DataSource } from 'typeorm';
import { AppError } from '../core/errors';
import type { EventBus } from '../core/events';
import { principalOf, USER_COLUMNS, type Principal, type UserRow } from './principal';
import { newSecret, sha256 } from './secrets';

/** Tokens start with this, so secret scanners and people recognise them. */
const TOKEN_PREFIX = 'rpt_';

export interface ApiTokenInfo {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

interface TokenRow {
  id: string;
  name: string;
  prefix: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const iso = (value: Date | null): string | null => (value === null ? null : new Date(value).toISOString());
const info = (row: TokenRow): ApiTokenInfo => ({
  id: row.id,
  name: row.name,
  prefix: row.prefix,
  createdAt: new Date(row.created_at).toISOString(),
  lastUsedAt: iso(row.last_used_at),
  revokedAt: iso(row.revoked_at),
});

/**
 * API tokens for integrations: `Authorization: Bearer rpt_…`. Stored hashed; a revoked token,
 * or any token of a deactivated user, stops working at once.
 */
export class ApiTokenStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly bus: EventBus,
  ) {}

  /** Creates a token; the plain value is returned this once and never again. */
  async create(userId: string, name: string): Promise<{ token: string; info: ApiTokenInfo }> {
    const token = `${TOKEN_PREFIX}${newSecret()}`;
    const [row]: TokenRow[] = await this.dataSource.query(
      `INSERT INTO api_tokens (user_id, name, token_hash, prefix) VALUES ($1, $2, $3, $4)
       RETURNING id, name, prefix, created_at, last_used_at, revoked_at`,
      [userId, name, sha256(token), token.slice(0, 10)],
    );
    return { token, info: info(row) };
  }

  async list(userId: string): Promise<ApiTokenInfo[]> {
    const rows: TokenRow[] = await this.dataSource.query(
      `SELECT id, name, prefix, created_at, last_used_at, revoked_at FROM api_tokens
        WHERE user_id = $1 ORDER BY created_at DESC`,
      [userId],
    );
    return rows.map(info);
  }

  async revoke(userId: string, tokenId: string): Promise<void> {
    const [rows]: [{ id: string }[], number] = await this.dataSource.query(
      `UPDATE api_tokens SET revoked_at = now() WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL RETURNING id`,
      [tokenId, userId],
    );
    if (rows.length === 0) throw new AppError('NOT_FOUND', 'Token not found');
    this.bus.publish('access.revoked', { userId, sessionIds: [], tokenIds: [tokenId], wholeUser: false });
  }

  /** The user a bearer token speaks for, or null when it is unknown, revoked or the user is inactive. */
  async find(token: string): Promise<Principal | null> {
    if (!token.startsWith(TOKEN_PREFIX)) return null;
    const [found] = (await this.dataSource.query(
      `UPDATE api_tokens t SET last_used_at = now()
         FROM users u
        WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.id = t.user_id AND u.active
       RETURNING ${USER_COLUMNS}, t.id AS token_id`,
      [sha256(token)],
    )) as [(UserRow & { token_id: string })[], number];
    if (found.length === 0) return null;
    return principalOf(found[0], { via: 'token', tokenId: found[0].token_id });
  }
}
