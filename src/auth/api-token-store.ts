import { AppError } from '../core/errors';
import type { ApiTokenRecord, TokenScope } from '../store/auth/auth-records';
import type { AuthStore } from '../store/auth/auth-store';
import { principalOf, type Principal } from './principal';
import { newSecret, sha256 } from './secrets';

/** Tokens start with this, so secret scanners and people recognise them. */
const TOKEN_PREFIX = 'rpt_';
/** How much of a token is kept in clear, so its owner can tell their tokens apart. */
const SHOWN_PREFIX_LENGTH = 10;

/** What a new token may do when its creator does not say: everything but tokens, users and the password. */
export const DEFAULT_TOKEN_SCOPE: TokenScope = 'write';

export interface ApiTokenInfo {
  id: string;
  name: string;
  prefix: string;
  scope: TokenScope;
  keepOnPasswordChange: boolean;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

const iso = (value: Date | null): string | null => (value === null ? null : value.toISOString());
const info = (token: ApiTokenRecord): ApiTokenInfo => ({
  id: token.id,
  name: token.name,
  prefix: token.prefix,
  scope: token.scope,
  keepOnPasswordChange: token.keepOnPasswordChange,
  createdAt: token.createdAt.toISOString(),
  lastUsedAt: iso(token.lastUsedAt),
  revokedAt: iso(token.revokedAt),
});

/**
 * API tokens for integrations: `Authorization: Bearer rpt_…`. Stored hashed; a revoked token,
 * or any token of a deactivated user, stops working at once.
 */
export class ApiTokenStore {
  constructor(private readonly store: AuthStore) {}

  /**
   * Creates a token; the plain value is returned this once and never again. It ends when its
   * owner's password changes unless `keepOnPasswordChange` says otherwise.
   */
  async create(
    userId: string,
    name: string,
    options: { scope?: TokenScope; keepOnPasswordChange?: boolean } = {},
  ): Promise<{ token: string; info: ApiTokenInfo }> {
    const token = `${TOKEN_PREFIX}${newSecret()}`;
    const record = await this.store.insertToken({
      userId,
      name,
      tokenHash: sha256(token),
      prefix: token.slice(0, SHOWN_PREFIX_LENGTH),
      scope: options.scope ?? DEFAULT_TOKEN_SCOPE,
      keepOnPasswordChange: options.keepOnPasswordChange ?? false,
    });
    return { token, info: info(record) };
  }

  async list(userId: string): Promise<ApiTokenInfo[]> {
    return (await this.store.listTokens(userId)).map(info);
  }

  async revoke(userId: string, tokenId: string): Promise<void> {
    if (!(await this.store.revokeToken(userId, tokenId))) throw new AppError('NOT_FOUND', 'Token not found');
  }

  /** The user a bearer token speaks for, or null when it is unknown, revoked or the user is inactive. */
  async find(token: string): Promise<Principal | null> {
    if (!token.startsWith(TOKEN_PREFIX)) return null;
    const found = await this.store.useToken(sha256(token));
    return found ? principalOf(found.user, { via: 'token', tokenId: found.tokenId, tokenScope: found.scope }) : null;
  }

  /** After the owner's password changed: ends their tokens not made to outlive it. */
  endOnPasswordChange(userId: string): Promise<number> {
    return this.store.revokeTokensOnPasswordChange(userId);
  }
}
