import { Check, Column, CreateDateColumn, Entity, ForeignKey, Index, PrimaryGeneratedColumn, Unique } from 'typeorm';

/** A revocable bearer token for integrations; only its SHA-256 is stored. */
@Entity({ name: 'api_tokens' })
@Unique('uq_api_tokens_token_hash', ['tokenHash'])
@Index('ix_api_tokens_user', ['userId'])
@Check('ck_api_tokens_scope', "scope IN ('read', 'write', 'full')")
export class ApiToken {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'api_tokens_pkey' })
  id!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  @ForeignKey('User', { name: 'api_tokens_user_id_fkey', onDelete: 'CASCADE' })
  userId!: string;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash!: string;

  /** The first characters of the token, so a person can tell their tokens apart. */
  @Column({ type: 'varchar', length: 16 })
  prefix!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt!: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  /** `read` (GET only), `write` (all but tokens, users and the password) or `full`. */
  @Column({ type: 'varchar', length: 8, default: 'write' })
  scope!: 'read' | 'write' | 'full';

  /** False: the token ends when its owner's password changes. */
  @Column({ name: 'keep_on_password_change', type: 'boolean', default: false })
  keepOnPasswordChange!: boolean;
}
