import { ApiToken } from './ApiToken';
import { Campaign } from './Campaign';
import { CampaignRecipient } from './CampaignRecipient';
import { CannedResponse } from './CannedResponse';
import { Consent } from './Consent';
import { ConsentEvidence } from './ConsentEvidence';
import { Contact } from './Contact';
import { ConversationHandoff } from './ConversationHandoff';
import { ConversationRead } from './ConversationRead';
import { LoginThrottle } from './LoginThrottle';
import { Feedback } from './Feedback';
import { FeedbackDailyCount } from './FeedbackDailyCount';
import { FeedbackRequest } from './FeedbackRequest';
import { FlowExposure } from './FlowExposure';
import { FlowRun } from './FlowRun';
import { FlowVersion } from './FlowVersion';
import { ContactEvent } from './ContactEvent';
import { ContactEventNumber } from './ContactEventNumber';
import { ContactEventTotal } from './ContactEventTotal';
import { ContactEventWindowSum } from './ContactEventWindowSum';
import { EventSumWindow } from './EventSumWindow';
import { ContactImport } from './ContactImport';
import { ContactImportRow } from './ContactImportRow';
import { ContactIdentity } from './ContactIdentity';
import { ContactTombstone } from './ContactTombstone';
import { Segment } from './Segment';
import { SendPacing } from './SendPacing';
import { Conversation } from './Conversation';
import { Message } from './Message';
import { OutboundAttempt } from './OutboundAttempt';
import { OutboundJob } from './OutboundJob';
import { Session } from './Session';
import { SlackEvent } from './SlackEvent';
import { SlackThread } from './SlackThread';
import { User } from './User';
import { Experiment } from './Experiment';
import { ExperimentDecision } from './ExperimentDecision';

export {
  ApiToken,
  CannedResponse,
  Consent,
  ConsentEvidence,
  Contact,
  ContactIdentity,
  Conversation,
  Message,
  OutboundAttempt,
  OutboundJob,
};
export { Session, SlackEvent, SlackThread, User };
export { ContactEvent, ContactTombstone, Segment };
export { Campaign, CampaignRecipient, SendPacing };
export { ContactImport, ContactImportRow };
export { LoginThrottle };
export { ContactEventNumber, ContactEventTotal, ContactEventWindowSum, EventSumWindow };
export { Experiment, ExperimentDecision };
export {
  ConversationHandoff,
  ConversationRead,
  Feedback,
  FeedbackDailyCount,
  FeedbackRequest,
  FlowExposure,
  FlowRun,
  FlowVersion,
};

/**
 * Every entity the data source knows; a new table adds its class here and a migration, and
 * test/store/entities-match-migrations.test.ts checks that the two agree. One table has no
 * entity: socket_io_attachments belongs to @socket.io/postgres-adapter (its schema, its queries)
 * and has no primary key, which a TypeORM entity must have.
 */
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
  ConsentEvidence,
  OutboundAttempt,
  OutboundJob,
  SlackEvent,
  SlackThread,
  FlowVersion,
  FlowRun,
  FlowExposure,
  Feedback,
  FeedbackRequest,
  FeedbackDailyCount,
  ConversationHandoff,
  ConversationRead,
  ContactEvent,
  ContactTombstone,
  Segment,
  Campaign,
  CampaignRecipient,
  SendPacing,
  ContactImport,
  ContactImportRow,
  LoginThrottle,
  ContactEventTotal,
  ContactEventNumber,
  EventSumWindow,
  ContactEventWindowSum,
  Experiment,
  ExperimentDecision,
];
