import { ApiToken } from './ApiToken';
import { CannedResponse } from './CannedResponse';
import { Contact } from './Contact';
import { ContactIdentity } from './ContactIdentity';
import { Conversation } from './Conversation';
import { Message } from './Message';
import { Session } from './Session';
import { User } from './User';

export { Contact, ContactIdentity, Conversation, Message, User };
export { ApiToken, CannedResponse, Session };

/** Every entity the data source knows; a new table adds its class here and a migration. */
export const ENTITIES = [Contact, ContactIdentity, Conversation, Message, User, Session, ApiToken, CannedResponse];
