import { Contact } from './Contact';
import { ContactIdentity } from './ContactIdentity';
import { Conversation } from './Conversation';
import { Message } from './Message';
import { User } from './User';
// Flows.
import { Feedback } from './Feedback';
import { FlowExposure } from './FlowExposure';
import { FlowRun } from './FlowRun';
import { FlowVersion } from './FlowVersion';

export { Contact, ContactIdentity, Conversation, Message, User };
export { Feedback, FlowExposure, FlowRun, FlowVersion };

/** Every entity the data source knows; a new table adds its class here and a migration. */
export const ENTITIES = [
  Contact,
  ContactIdentity,
  Conversation,
  Message,
  User,
  Feedback,
  FlowExposure,
  FlowRun,
  FlowVersion,
];
