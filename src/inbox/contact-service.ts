import type { DataSource } from 'typeorm';
import { seesEverything, type Principal } from '../auth/principal';
import { AppError } from '../core/errors';
import { displayName, normalizeEmail, toE164 } from '../core/identity';
import type { ContactIdentityRecord, ContactRecord } from '../store/contacts/contact-row';
import { ContactStore, type ContactFieldChanges } from '../store/contacts/contact-store';
import { InboxReadModel } from '../store/conversations/inbox-read-model';
import { visibleTo } from './access';
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
  /** Extension sections by key: consents, flowAnswers, feedback, … */
  sections: Record<string, Record<string, unknown>[]>;
}

/** What an agent may edit on a profile; `attributes` are merged key by key (null removes a key). */
export type ContactChanges = ContactFieldChanges;

/** The contact panel: a profile readable by whoever may see one of the contact's conversations. */
export class ContactService {
  private readonly contacts: ContactStore;
  private readonly conversations: InboxReadModel;

  constructor(
    private readonly dataSource: DataSource,
    private readonly sections: ProfileSection[],
    /** The configured TWILIO_DEFAULT_REGION: a phone typed without a country code is read in it. */
    private readonly defaultRegion: string,
  ) {
    this.contacts = new ContactStore(dataSource);
    this.conversations = new InboxReadModel(dataSource);
  }

  async profile(caller: Principal, contactId: string): Promise<ContactProfile> {
    const conversations = await this.visibleConversations(caller, contactId);
    if (!seesEverything(caller) && conversations.length === 0) throw new AppError('CONTACT_NOT_FOUND');
    const contact = await this.contacts.find(contactId);
    if (!contact) throw new AppError('CONTACT_NOT_FOUND');
    const sections: ContactProfile['sections'] = {};
    for (const section of this.sections) sections[section.key] = await section.load(this.dataSource, contactId);
    return {
      ...contact,
      name: displayName(contact),
      identities: await this.contacts.identities(contactId),
      conversations,
      sections,
    };
  }

  /**
   * An agent's edit. Phones are stored in E.164 (so SMS and WhatsApp find the same person by it)
   * and emails normalized; a phone that cannot be a number is refused, naming the field.
   */
  async update(caller: Principal, contactId: string, changes: ContactChanges): Promise<ContactProfile> {
    await this.profile(caller, contactId);
    const stored: ContactFieldChanges = { ...changes };
    if (typeof changes.phone === 'string') {
      const e164 = toE164(changes.phone, this.defaultRegion);
      if (!e164) {
        throw new AppError('VALIDATION_FAILED', 'phone: not a valid phone number', { field: 'phone' });
      }
      stored.phone = e164;
    }
    if (typeof changes.email === 'string') stored.email = normalizeEmail(changes.email);
    if (!(await this.contacts.update(contactId, stored))) throw new AppError('CONTACT_NOT_FOUND');
    return this.profile(caller, contactId);
  }

  private visibleConversations(caller: Principal, contactId: string): Promise<InboxConversation[]> {
    return this.conversations.ofContact(contactId, caller.id, (first) => visibleTo(caller, first));
  }
}
