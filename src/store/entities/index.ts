import { Consent } from './Consent';
import { Contact } from './Contact';
import { ContactIdentity } from './ContactIdentity';
import { Conversation } from './Conversation';
import { Message } from './Message';
import { OutboundAttempt } from './OutboundAttempt';
import { User } from './User';

export { Consent, Contact, ContactIdentity, Conversation, Message, OutboundAttempt, User };

/** Every entity the data source knows; a new table adds its class here and a migration. */
export const ENTITIES = [Contact, ContactIdentity, Conversation, Message, User, Consent, OutboundAttempt];
