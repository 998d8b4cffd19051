import { Contact } from './Contact';
import { ContactIdentity } from './ContactIdentity';
import { Conversation } from './Conversation';
import { Message } from './Message';
import { SlackEvent } from './SlackEvent';
import { SlackThread } from './SlackThread';
import { User } from './User';

export { Contact, ContactIdentity, Conversation, Message, User };
export { SlackEvent, SlackThread };

/** Every entity the data source knows; a new table adds its class here and a migration. */
export const ENTITIES = [Contact, ContactIdentity, Conversation, Message, User, SlackEvent, SlackThread];
