import { Foundation1795943077980 } from '../../migrations/1795943077980-Foundation';
import { Inbox1795943884730 } from '../../migrations/1795943884730-Inbox';
import { ConsentAndOutboundAttempts1795943979651 } from '../../migrations/1795943979651-ConsentAndOutboundAttempts';
import { SocketIoAttachments1795944165000 } from '../../migrations/1795944165000-SocketIoAttachments';
import { SlackThreads1795944187844 } from '../../migrations/1795944187844-SlackThreads';
import { Flows1795944257116 } from '../../migrations/1795944257116-Flows';
import { FeedbackReview1795944777059 } from '../../migrations/1795944777059-FeedbackReview';
import { OutboundJobs1795945200000 } from '../../migrations/1795945200000-OutboundJobs';
import { OutboundJobsVacuum1795946400000 } from '../../migrations/1795946400000-OutboundJobsVacuum';
import { FlowRunEndReason1795950000000 } from '../../migrations/1795950000000-FlowRunEndReason';
import { FlowRunLastIntent1795950100000 } from '../../migrations/1795950100000-FlowRunLastIntent';
import { ConversationHandoffs1795960000000 } from '../../migrations/1795960000000-ConversationHandoffs';
import { ConversationReads1795960000001 } from '../../migrations/1795960000001-ConversationReads';
import { FeedbackDailyCounts1795970000000 } from '../../migrations/1795970000000-FeedbackDailyCounts';
import { FeedbackFollowUpConversation1795970000001 } from '../../migrations/1795970000001-FeedbackFollowUpConversation';
import { ScoreClass1796300000000 } from '../../migrations/1796300000000-ScoreClass';

/** Every migration in order; a schema change adds one file in migrations/ and one line here. */
export const MIGRATIONS = [
  Foundation1795943077980,
  Inbox1795943884730,
  ConsentAndOutboundAttempts1795943979651,
  SocketIoAttachments1795944165000,
  SlackThreads1795944187844,
  Flows1795944257116,
  FeedbackReview1795944777059,
  OutboundJobs1795945200000,
  OutboundJobsVacuum1795946400000,
  FlowRunEndReason1795950000000,
  FlowRunLastIntent1795950100000,
  ConversationHandoffs1795960000000,
  ConversationReads1795960000001,
  FeedbackDailyCounts1795970000000,
  FeedbackFollowUpConversation1795970000001,
  ScoreClass1796300000000,
];
