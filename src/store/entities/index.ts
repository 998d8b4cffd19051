import { Consent } from './Consent';
import { Contact } from './Contact';
import { ContactIdentity } from './ContactIdentity';
import { Conversation } from './Conversation';
import { Message } from './Message';
import { OutboundAttempt } from './OutboundAttempt';
import { SlackEvent } from './SlackEvent';
import { SlackThread } from './SlackThread';
import { User } from './User';

export { Consent, Contact, ContactIdentity, Conversation, Message, OutboundAttempt, User };
export { SlackEvent, SlackThread };

/** Every entity the data source knows; a new table adds its class here and a migration. */
export const ENTITIES = [
  Contact,
  ContactIdentity,
  Conversation,
  Message,
  User,
  SlackEvent,
  SlackThread,
  Consent,
  OutboundAttempt,
];
