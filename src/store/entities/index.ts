import { ApiToken } from './ApiToken';
import { CannedResponse } from './CannedResponse';
import { Consent } from './Consent';
import { Contact } from './Contact';
import { Feedback } from './Feedback';
import { FlowExposure } from './FlowExposure';
import { FlowRun } from './FlowRun';
import { FlowVersion } from './FlowVersion';
import { ContactIdentity } from './ContactIdentity';
import { Conversation } from './Conversation';
import { Message } from './Message';
import { OutboundAttempt } from './OutboundAttempt';
import { Session } from './Session';
import { SlackEvent } from './SlackEvent';
import { SlackThread } from './SlackThread';
import { User } from './User';

export { ApiToken, CannedResponse, Consent, Contact, ContactIdentity, Conversation, Message, OutboundAttempt, Session };
export { SlackEvent, SlackThread, User };
export { Feedback, FlowExposure, FlowRun, FlowVersion };

/** Every entity the data source knows; a new table adds its class here and a migration. */
export const ENTITIES = [
  Contact,
  ContactIdentity,
  Conversation,
  Message,
  User,
  Session,
  ApiToken,
  CannedResponse,
  Consent,
  OutboundAttempt,
  SlackEvent,
  SlackThread,
  FlowVersion,
  FlowRun,
  FlowExposure,
  Feedback,
];
