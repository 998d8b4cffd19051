import { Check, Column, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';

/**
 * What is left of an erased person (GDPR article 17): a SHA-256 of each address they had, no
 * personal data, so that an import or an event cannot bring them back without new consent.
 */
@Entity({ name: 'contact_tombstones' })
@Unique('uq_contact_tombstones_value', ['kind', 'valueHash'])
@Check('contact_tombstones_kind_check', "kind IN ('phone', 'email', 'external_id')")
export class ContactTombstone {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'contact_tombstones_pkey' })
  id!: string;

  @Column({ type: 'varchar', length: 16 })
  kind!: 'phone' | 'email' | 'external_id';

  @Column({ name: 'value_hash', type: 'varchar', length: 64 })
  valueHash!: string;

  @Column({ name: 'erased_at', type: 'timestamptz', default: () => 'now()' })
  erasedAt!: Date;
}
