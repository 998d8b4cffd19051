import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A channel's next free sending slot, shared by every hub process (campaign pacing). */
@Entity({ name: 'send_pacing' })
export class SendPacing {
  @PrimaryColumn({ type: 'varchar', length: 32, primaryKeyConstraintName: 'send_pacing_pkey' })
  channel!: string;

  @Column({ name: 'next_slot_at', type: 'timestamptz', default: () => 'now()' })
  nextSlotAt!: Date;
}
