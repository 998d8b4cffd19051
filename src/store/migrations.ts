import { Client } from 'pg';
import type { DataSource } from 'typeorm';
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
import { ConsentEvidence1796100000000 } from '../../migrations/1796100000000-ConsentEvidence';
import { OutboundJobsConversationOrder1796500000000 } from '../../migrations/1796500000000-OutboundJobsConversationOrder';
import { ScoreClass1796300000000 } from '../../migrations/1796300000000-ScoreClass';
import { Audience1796600000000 } from '../../migrations/1796600000000-Audience';
import { ContactErasure1796610000000 } from '../../migrations/1796610000000-ContactErasure';
import { SegmentIndexes1796620000000 } from '../../migrations/1796620000000-SegmentIndexes';
import { ContactImports1796630000000 } from '../../migrations/1796630000000-ContactImports';
import { LoginThrottles1796640000000 } from '../../migrations/1796640000000-LoginThrottles';
import { ApiTokenScopes1796640000001 } from '../../migrations/1796640000001-ApiTokenScopes';
import { Campaigns1796700000000 } from '../../migrations/1796700000000-Campaigns';
import { Automations1796710000000 } from '../../migrations/1796710000000-Automations';
import { EventRollups1796800000000 } from '../../migrations/1796800000000-EventRollups';
import { Experiments1796830000000 } from '../../migrations/1796830000000-Experiments';
import { StoredTags1796900000000 } from '../../migrations/1796900000000-StoredTags';
import { EventSumsByContact1796910000000 } from '../../migrations/1796910000000-EventSumsByContact';
import { EventSumWindows1796920000000 } from '../../migrations/1796920000000-EventSumWindows';

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
  ConsentEvidence1796100000000,
  OutboundJobsConversationOrder1796500000000,
  ScoreClass1796300000000,
  Audience1796600000000,
  ContactErasure1796610000000,
  SegmentIndexes1796620000000,
  ContactImports1796630000000,
  LoginThrottles1796640000000,
  ApiTokenScopes1796640000001,
  Campaigns1796700000000,
  Automations1796710000000,
  EventRollups1796800000000,
  Experiments1796830000000,
  StoredTags1796900000000,
  EventSumsByContact1796910000000,
  EventSumWindows1796920000000,
];

/**
 * The advisory lock every hub process takes around migrating: an arbitrary constant of this
 * project's own ("rapport" as digits), so it meets no other application's lock on a shared server.
 */
export const MIGRATION_LOCK_KEY = '7227767818';

/**
 * Runs the pending migrations, and `then` (the demo seed), holding a PostgreSQL advisory lock: of
 * several processes starting at once on one database, one migrates and the others wait for it,
 * then find nothing pending. The lock lives on a connection of its own (not the pool's, which the
 * migrations use) and goes with it if the process dies mid-way. PGlite is one process's own
 * database and one connection: there is nobody to wait for.
 */
export async function migrateExclusively<T>(dataSource: DataSource, then: () => Promise<T>): Promise<T> {
  const url = (dataSource.options as { url?: string }).url;
  if (!url) {
    await dataSource.runMigrations({ transaction: 'each' });
    return then();
  }
  const lock = new Client({ connectionString: url });
  lock.on('error', () => undefined); // a drop releases the lock; the migrations' own queries report it
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await dataSource.runMigrations({ transaction: 'each' });
    return await then();
  } finally {
    await lock.end().catch(() => undefined); // ending the session releases the lock
  }
}
