import type { DataSource } from 'typeorm';
import { AppError } from '../core/errors';
import { normalizeEmail, toE164 } from '../core/identity';
import { ContactStore } from '../store/contacts/contact-store';
import { contactOpenConversation } from '../store/conversations/contact-open-conversation';

export type ContactReference = { contactId: string } | { phone: string } | { email: string };

/** Finding the contact an API event is about, and the conversation a flow can start in. */
export class FlowConversations {
  private readonly contacts: ContactStore;

  constructor(
    private readonly dataSource: DataSource,
    /** The configured TWILIO_DEFAULT_REGION: numbers without a country code are read in it. */
    private readonly defaultRegion: string,
  ) {
    this.contacts = new ContactStore(dataSource);
  }

  /** The contact by id, phone (any format libphonenumber reads, as E.164) or email; 404 otherwise. */
  async findContact(reference: ContactReference): Promise<string> {
    let found: string | null;
    if ('contactId' in reference) {
      found = (await this.contacts.exists(reference.contactId)) ? reference.contactId : null;
    } else if ('phone' in reference) {
      const e164 = toE164(reference.phone, this.defaultRegion);
      if (!e164) throw new AppError('VALIDATION_FAILED', 'phone: not a valid phone number');
      found = await this.contacts.idByPhone(e164);
    } else {
      found = await this.contacts.idByEmail(normalizeEmail(reference.email));
    }
    if (found === null) throw new AppError('CONTACT_NOT_FOUND');
    return found;
  }

  /**
   * The contact's open conversation (the most recent), or a new one on the identity they last
   * wrote from or added last: an outbound-first flow needs somewhere to speak.
   */
  async openConversation(contactId: string): Promise<string> {
    const conversationId = await contactOpenConversation(this.dataSource, contactId);
    if (conversationId === null) throw new AppError('CONFLICT', 'The contact has no channel to be reached on');
    return conversationId;
  }
}
