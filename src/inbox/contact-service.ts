import type { DataSource } from 'typeorm';
import { seesEverything, type Principal } from '../auth/principal';
import { AppError } from '../core/errors';
import { displayName, normalizeEmail, toE164 } from '../core/identity';
import {
  ContactDirectoryStore,
  DIRECTORY_CONTACT_ALIAS,
  type DirectoryItem,
  type SqlPredicate,
} from '../store/contacts/contact-directory-store';
import { eraseContact, type ErasureResult } from '../store/contacts/contact-erasure';
import { ContactExportStore, type ContactExportData } from '../store/contacts/contact-export-store';
import type { ContactIdentityRecord, ContactRecord } from '../store/contacts/contact-row';
import { ContactStore, type ContactFieldChanges, type NewContactFields } from '../store/contacts/contact-store';
import { InboxReadModel } from '../store/conversations/inbox-read-model';
import { visibleTo } from './access';
import { decodeDirectoryCursor, encodeDirectoryCursor } from './directory-cursor';
import type { ProfileSection } from './profile-sections';
import type { InboxConversation } from './realtime-events';

export interface ContactProfile extends Omit<ContactRecord, 'displayName'> {
  /** The name the contact gave or was given, as stored (null when none: see `name`). */
  displayName: string | null;
  /** What every view calls this contact (the one display-name rule, src/core/identity.ts). */
  name: string;
  identities: ContactIdentityRecord[];
  /** This person's conversations on every channel that the caller may see. */
  conversations: InboxConversation[];
  /** Extension sections by key: consents, flowAnswers, feedback, events, … */
  sections: Record<string, Record<string, unknown>[]>;
}

/** What an edit may change; `attributes` are merged key by key (null removes a key). */
export type ContactChanges = ContactFieldChanges;

/**
 * A segment's members as a predicate over the contact alias, its parameters numbered from
 * `firstParam` (SegmentStore.membershipSql); null for a segment that does not exist.
 */
export type SegmentFilter = (
  segmentId: string,
  contactAlias: string,
  firstParam: number,
  now: Date,
) => Promise<SqlPredicate | null>;

export interface DirectoryQuery {
  q?: string;
  tag?: string;
  segment?: string;
  channel?: string;
  consent?: 'opted_in' | 'opted_out' | 'none';
  limit: number;
  cursor?: string;
}

export interface ContactServiceOptions {
  /** The configured TWILIO_DEFAULT_REGION: a phone typed without a country code is read in it. */
  defaultRegion: string;
  /** Saved segments' membership; without it, `segment=` answers SEGMENT_NOT_FOUND. */
  segmentFilter?: SegmentFilter;
  /** Told of the conversations an erasure emptied (the inbox refreshes them). */
  onErased?: (result: ErasureResult) => void;
}

/**
 * Contacts for the team: the directory, the profile (readable by whoever may see one of the
 * contact's conversations, each section limited to those conversations), create and edit with
 * validation, erasure (art. 17) and export (art. 15).
 */
export class ContactService {
  private readonly contacts: ContactStore;
  private readonly conversations: InboxReadModel;
  private readonly directory: ContactDirectoryStore;
  private readonly exports: ContactExportStore;

  constructor(
    private readonly dataSource: DataSource,
    private readonly sections: ProfileSection[],
    private readonly options: ContactServiceOptions,
  ) {
    this.contacts = new ContactStore(dataSource);
    this.conversations = new InboxReadModel(dataSource);
    this.directory = new ContactDirectoryStore(dataSource);
    this.exports = new ContactExportStore(dataSource);
  }

  /** A page of the directory: every contact for admins and managers, an agent's visible ones for agents. */
  async list(caller: Principal, query: DirectoryQuery): Promise<{ items: DirectoryItem[]; nextCursor: string | null }> {
    const after = query.cursor === undefined ? undefined : decodeDirectoryCursor(query.cursor);
    if (after === null) throw new AppError('VALIDATION_FAILED', 'cursor: not a cursor this API issued');
    const segment = query.segment === undefined ? undefined : await this.segmentPredicate(query.segment);
    const page = await this.directory.page(
      {
        q: query.q || undefined,
        phone: query.q ? (toE164(query.q, this.options.defaultRegion) ?? undefined) : undefined,
        tag: query.tag || undefined,
        channel: query.channel,
        consent: query.consent,
        limit: query.limit,
        after,
      },
      (first) => visibleTo(caller, first),
      segment,
    );
    return { items: page.items, nextCursor: page.next ? encodeDirectoryCursor(page.next) : null };
  }

  async profile(caller: Principal, contactId: string): Promise<ContactProfile> {
    const conversations = await this.visibleConversations(caller, contactId);
    if (!seesEverything(caller) && conversations.length === 0) throw new AppError('CONTACT_NOT_FOUND');
    const contact = await this.contacts.find(contactId);
    if (!contact) throw new AppError('CONTACT_NOT_FOUND');
    const sections: ContactProfile['sections'] = {};
    for (const section of this.sections) {
      sections[section.key] = await section.load(this.dataSource, contactId, (first) => visibleTo(caller, first));
    }
    return {
      ...contact,
      name: displayName(contact),
      identities: await this.contacts.identities(contactId),
      conversations,
      sections,
    };
  }

  /**
   * A new contact, made by a person on the team. It may have the phone, email or external id of
   * someone erased: a manager typing a person in is a new, deliberate act (unlike an import, which
   * the tombstones stop), and the tombstone stays for every other path.
   */
  async create(caller: Principal, input: ContactChanges): Promise<ContactProfile> {
    const fields = this.storedForm(input) as NewContactFields;
    if (fields.attributes) {
      fields.attributes = Object.fromEntries(Object.entries(fields.attributes).filter(([, value]) => value !== null));
    }
    const id = await this.contacts.create(fields);
    return this.profile(caller, id);
  }

  /**
   * An edit. Phones are stored in E.164 (so SMS and WhatsApp find the same person by it) and
   * emails normalized; a phone that cannot be a number is refused, naming the field.
   */
  async update(caller: Principal, contactId: string, changes: ContactChanges): Promise<ContactProfile> {
    await this.profile(caller, contactId);
    if (!(await this.contacts.update(contactId, this.storedForm(changes)))) throw new AppError('CONTACT_NOT_FOUND');
    return this.profile(caller, contactId);
  }

  /** Erases the person (GDPR art. 17): contact-erasure.ts says what goes and what stays. */
  async erase(contactId: string): Promise<void> {
    const result = await eraseContact(this.dataSource, contactId);
    if (!result) throw new AppError('CONTACT_NOT_FOUND');
    this.options.onErased?.(result);
  }

  /** Everything the hub holds about the person (GDPR art. 15). */
  async export(contactId: string): Promise<ContactExportData & { exportedAt: string }> {
    const data = await this.exports.export(contactId);
    if (!data) throw new AppError('CONTACT_NOT_FOUND');
    return { exportedAt: new Date().toISOString(), ...data };
  }

  private async segmentPredicate(segmentId: string): Promise<SqlPredicate> {
    const predicate = this.options.segmentFilter
      ? await this.options.segmentFilter(segmentId, DIRECTORY_CONTACT_ALIAS, 1, new Date())
      : null;
    if (!predicate) throw new AppError('SEGMENT_NOT_FOUND');
    return predicate;
  }

  private storedForm(changes: ContactChanges): ContactFieldChanges {
    const stored: ContactFieldChanges = { ...changes };
    if (typeof changes.phone === 'string') {
      const e164 = toE164(changes.phone, this.options.defaultRegion);
      if (!e164) {
        throw new AppError('VALIDATION_FAILED', 'phone: not a valid phone number', { field: 'phone' });
      }
      stored.phone = e164;
    }
    if (typeof changes.email === 'string') stored.email = normalizeEmail(changes.email);
    return stored;
  }

  private visibleConversations(caller: Principal, contactId: string): Promise<InboxConversation[]> {
    return this.conversations.ofContact(contactId, caller.id, (first) => visibleTo(caller, first));
  }
}
