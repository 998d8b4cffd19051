import type { DataSource } from 'typeorm';
import type { EventBus } from '../core/events';
import type { ChannelName } from '../core/types';

export type ConsentStatus = 'opted_in' | 'opted_out';

/**
 * Who may be messaged where. One row per contact and channel holds the current status with its
 * source (`keyword:STOP`, `twilio:21610`) and time; no row means the contact never opted out.
 */
export class ConsentService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly bus: EventBus,
  ) {}

  async set(contactId: string, channel: ChannelName, status: ConsentStatus, source: string): Promise<void> {
    const rows: { id: string }[] = await this.dataSource.query(
      `INSERT INTO consents (contact_id, channel, status, source, changed_at)
       VALUES ($1, $2, $3, $4, now())
       ON CONFLICT (contact_id, channel) DO UPDATE
         SET status = EXCLUDED.status, source = EXCLUDED.source, changed_at = EXCLUDED.changed_at
       WHERE consents.status <> EXCLUDED.status
       RETURNING id`,
      [contactId, channel, status, source],
    );
    // Only a real change is news: a second STOP changes nothing and says nothing.
    if (rows.length > 0) this.bus.publish('consent.changed', { contactId, channel, status, source });
  }
}
