import type { DataSource } from 'typeorm';
import { seesEverything, type Principal } from '../auth/principal';
import { AppError } from '../core/errors';
import { visibleTo } from './access';
import { summaryOf, summarySelect, type SummaryRow } from './inbox-views';
import type { ProfileSection } from './profile-sections';
import type { InboxConversation } from './realtime-events';

export interface ContactProfile {
  id: string;
  displayName: string | null;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  phone: string | null;
  locale: string | null;
  timeZone: string | null;
  birthday: string | null;
  attributes: Record<string, unknown>;
  tags: string[];
  lastSeenAt: string | null;
  createdAt: string;
  identities: { id: string; channel: string; address: string }[];
  /** This person's conversations on every channel that the caller may see. */
  conversations: InboxConversation[];
  /** Extension sections by key: consents, flowAnswers, feedback, … */
  sections: Record<string, Record<string, unknown>[]>;
}

/** What an agent may edit on a profile; `attributes` are merged key by key (null removes a key). */
export interface ContactChanges {
  displayName?: string | null;
  firstName?: string | null;
  lastName?: string | null;
  email?: string | null;
  phone?: string | null;
  locale?: string | null;
  timeZone?: string | null;
  birthday?: string | null;
  attributes?: Record<string, unknown>;
  tags?: string[];
}

const EDITABLE: [keyof ContactChanges, string][] = [
  ['displayName', 'display_name'],
  ['firstName', 'first_name'],
  ['lastName', 'last_name'],
  ['email', 'email'],
  ['phone', 'phone'],
  ['locale', 'locale'],
  ['timeZone', 'time_zone'],
  ['birthday', 'birthday'],
];

const isoOrNull = (value: Date | string | null): string | null =>
  value === null ? null : new Date(value).toISOString();

/** The contact panel: a profile readable by whoever may see one of the contact's conversations. */
export class ContactService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly sections: ProfileSection[],
  ) {}

  async profile(caller: Principal, contactId: string): Promise<ContactProfile> {
    const conversations = await this.visibleConversations(caller, contactId);
    if (!seesEverything(caller) && conversations.length === 0) throw new AppError('CONTACT_NOT_FOUND');
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT id, display_name, first_name, last_name, email, phone, locale, time_zone, birthday::text AS birthday,
              attributes, tags, last_seen_at, created_at FROM contacts WHERE id = $1`,
      [contactId],
    );
    const row = rows[0];
    if (!row) throw new AppError('CONTACT_NOT_FOUND');
    const identities: { id: string; channel: string; address: string }[] = await this.dataSource.query(
      'SELECT id, channel, address FROM contact_identities WHERE contact_id = $1 ORDER BY created_at',
      [contactId],
    );
    const sections: ContactProfile['sections'] = {};
    for (const section of this.sections) sections[section.key] = await section.load(this.dataSource, contactId);
    return {
      id: row.id as string,
      displayName: row.display_name as string | null,
      firstName: row.first_name as string | null,
      lastName: row.last_name as string | null,
      email: row.email as string | null,
      phone: row.phone as string | null,
      locale: row.locale as string | null,
      timeZone: row.time_zone as string | null,
      birthday: row.birthday as string | null,
      attributes: (row.attributes as Record<string, unknown>) ?? {},
      tags: (row.tags as string[]) ?? [],
      lastSeenAt: isoOrNull(row.last_seen_at as Date | null),
      createdAt: new Date(row.created_at as Date).toISOString(),
      identities,
      conversations,
      sections,
    };
  }

  async update(caller: Principal, contactId: string, changes: ContactChanges): Promise<ContactProfile> {
    await this.profile(caller, contactId);
    const sets: string[] = [];
    const params: unknown[] = [contactId];
    for (const [field, column] of EDITABLE) {
      if (changes[field] === undefined) continue;
      params.push(changes[field]);
      sets.push(`${column} = $${params.length}`);
    }
    if (changes.attributes) {
      const removed = Object.keys(changes.attributes).filter((key) => changes.attributes?.[key] === null);
      const kept = Object.fromEntries(Object.entries(changes.attributes).filter(([, value]) => value !== null));
      params.push(JSON.stringify(kept), removed);
      sets.push(`attributes = (attributes || $${params.length - 1}::jsonb) - $${params.length}::text[]`);
    }
    if (changes.tags) {
      params.push([...new Set(changes.tags.map((tag) => tag.trim().toLowerCase()).filter(Boolean))]);
      sets.push(`tags = $${params.length}`);
    }
    if (sets.length > 0) {
      await this.dataSource.query(`UPDATE contacts SET ${sets.join(', ')}, updated_at = now() WHERE id = $1`, params);
    }
    return this.profile(caller, contactId);
  }

  private async visibleConversations(caller: Principal, contactId: string): Promise<InboxConversation[]> {
    const visible = visibleTo(caller, 3);
    const rows: SummaryRow[] = await this.dataSource.query(
      `${summarySelect('$2')} WHERE c.contact_id = $1 AND ${visible.sql}
        ORDER BY COALESCE(c.last_message_at, c.created_at) DESC LIMIT 50`,
      [contactId, caller.id, ...visible.params],
    );
    return rows.map(summaryOf);
  }
}
