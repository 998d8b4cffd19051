import pino from 'pino';
import { createApp } from '../../src/app';
import path from 'node:path';
import { seedFeedback } from '../helpers/feedback-seed';
import { fillMigratedPgliteFolder } from '../helpers/migrated-template';
import { testConfig } from '../helpers/test-app';

/**
 * A hub with a past, made the way a real one gets it: started by `createApp` on the database the
 * environment names (an on-disk PGlite in RAPPORT_DATA_DIR, or DATABASE_URL), with the demo seeded,
 * customers' SMS conversations ingested through the hub, and months of feedback with its daily
 * counts (the seeding helper the feedback dashboard's tests use). The hub is stopped after, as an
 * operator stops it before a backup or a move.
 */
export async function buildHubHistory(env: Record<string, string>): Promise<void> {
  // Its first start is not the subject here: the folder starts migrated (test/helpers).
  if (!env.DATABASE_URL && env.RAPPORT_DATA_DIR)
    await fillMigratedPgliteFolder(path.join(env.RAPPORT_DATA_DIR, 'pglite'));
  const config = testConfig({
    RAPPORT_SEED_DEMO: 'true',
    // The demo's welcome flow answers new customers: flow runs and outbound jobs (an identity column) too.
    RAPPORT_FLOWS_ENABLED: 'true',
    RAPPORT_ADMIN_PASSWORD: 'correct horse battery',
    ...env,
  });
  const app = await createApp(config, { logger: pino({ level: 'silent' }) });
  try {
    for (let n = 0; n < 30; n++) {
      await app.ingest.ingest({
        channel: 'sms',
        from: `+1415555${String(2000 + (n % 12)).padStart(4, '0')}`,
        providerMessageId: `SM-history-${n}`,
        text: `Where is my order #${1000 + n}?`,
      });
    }
    await seedFeedback(app.store.dataSource, { records: 300, start: new Date('2026-09-01T00:00:00Z'), days: 60 });
  } finally {
    await app.close();
  }
}
