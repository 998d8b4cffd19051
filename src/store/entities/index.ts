import { Contact } from './Contact';
import { ContactIdentity } from './ContactIdentity';
import { Conversation } from './Conversation';
import { Message } from './Message';
import { User } from './User';

export { Contact, ContactIdentity, Conversation, Message, User };

/** Every entity the data source knows; a new table adds its class here and a migration. */
export const ENTITIES = [Contact, ContactIdentity, Conversation, Message, User];
