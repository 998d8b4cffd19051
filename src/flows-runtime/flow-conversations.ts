import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { DataSource } from 'typeorm';
import { AppError } from '../core/errors';

export type ContactReference = { contactId: string } | { phone: string } | { email: string };

/** Finding the contact an API event is about, and the conversation a flow can start in. */
export class FlowConversations {
  constructor(private readonly dataSource: DataSource) {}

  /** The contact by id, phone (any format libphonenumber reads, as E.164) or email; 404 otherwise. */
  async findContact(reference: ContactReference): Promise<string> {
    let sql: string;
    let value: string;
    if ('contactId' in reference) {
      [sql, value] = ['SELECT id FROM contacts WHERE id = $1', reference.contactId];
    } else if ('phone' in reference) {
      const phone = parsePhoneNumberFromString(reference.phone, 'US');
      // Possible, not valid: the same rule as the Twilio channel, which stores what Twilio delivers.
      if (!phone?.isPossible()) throw new AppError('VALIDATION_FAILED', 'phone: not a valid phone number');
      sql = `SELECT id FROM contacts WHERE phone = $1
             UNION ALL SELECT contact_id FROM contact_identities WHERE channel IN ('sms', 'whatsapp') AND address = $1`;
      value = phone.number;
    } else {
      [sql, value] = [
        'SELECT id FROM contacts WHERE lower(email) = $1 ORDER BY created_at LIMIT 1',
        reference.email.toLowerCase(),
      ];
    }
    const rows: { id: string }[] = await this.dataSource.query(sql, [value]);
    if (rows.length === 0) throw new AppError('CONTACT_NOT_FOUND');
    return rows[0].id;
  }

  /**
   * The contact's open conversation (the most recent), or a new one on the identity they last
   * wrote from or added last: an outbound-first flow needs somewhere to speak.
   */
  async openConversation(contactId: string): Promise<string> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const [open]: { id: string }[] = await this.dataSource.query(
        `SELECT id FROM conversations WHERE contact_id = $1 AND status <> 'resolved'
          ORDER BY last_message_at DESC NULLS LAST, created_at DESC LIMIT 1`,
        [contactId],
      );
      if (open) return open.id;
      const [identity]: { id: string; channel: string }[] = await this.dataSource.query(
        `SELECT i.id, i.channel FROM contact_identities i
           LEFT JOIN conversations c ON c.identity_id = i.id
          WHERE i.contact_id = $1
          GROUP BY i.id, i.channel, i.created_at
          ORDER BY GREATEST(max(c.last_message_at), i.created_at) DESC LIMIT 1`,
        [contactId],
      );
      if (!identity) throw new AppError('CONFLICT', 'The contact has no channel to be reached on');
      const opened: { id: string }[] = await this.dataSource.query(
        `INSERT INTO conversations (contact_id, identity_id, channel) VALUES ($1, $2, $3)
         ON CONFLICT DO NOTHING RETURNING id`,
        [contactId, identity.id, identity.channel],
      );
      if (opened.length === 1) return opened[0].id;
    }
    throw new AppError('CONFLICT');
  }
}
