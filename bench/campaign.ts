/**
 * bench:campaign — a personalized campaign to 100,000 contacts rendered and queued on PostgreSQL
 * (the target: under 30 s), beside a bare multi-row INSERT of the same rows in the same run.
 *
 *   npm run bench:campaign                              # a scratch database on 127.0.0.1:5432
 *   DATABASE_URL=postgres://… npm run bench:campaign    # a scratch database on that server
 *
 * Seeds the contacts set-based (a +1 415 number, a first name, a zone where it is about noon, an
 * SMS opt-in with its evidence), saves a segment and a marketing campaign through their services,
 * launches it (the audience materialised as recipient rows) and times the dispatcher, built as
 * register-campaigns.ts builds it, until every recipient is queued: its text rendered with Liquid,
 * its identity and open conversation found or made, its message and outbox job written. Queued,
 * not sent: no outbox worker runs, and the sender's pace is set to 100,000 per second so the
 * figure is the hub's rendering and writing, not Twilio's rate (a real campaign at 1 per second
 * queues each message in its paced slot, a few seconds ahead).
 *
 * The baseline: the same rows (recipients, identities, conversations, messages, jobs), read back
 * and written again with multi-row INSERTs of 1,000 rows into bare copies of those tables
 * (`LIKE … INCLUDING ALL`: same columns, defaults and indexes, no foreign keys or triggers).
 * Options (env): BENCH_CONTACTS (default 100000), BENCH_BATCH (the dispatcher's batch, default
 * the dispatcher's own).
 */
import os from 'node:os';
import pino from 'pino';
import { CampaignDispatcher } from '../src/campaigns/campaign-dispatcher';
import { CampaignService } from '../src/campaigns/campaign-service';
import { sendingPolicyOf } from '../src/campaigns/register-campaigns';
import { loadConfig } from '../src/config';
import { EventBus } from '../src/core/events';
import { MessageStatusUpdater } from '../src/conversations/message-status';
import { ChannelRegistry } from '../src/outbound/channel-registry';
import { OutboundService } from '../src/outbound/outbound-service';
import { CampaignSendStore } from '../src/store/campaigns/campaign-send-store';
import { CampaignStore } from '../src/store/campaigns/campaign-store';
import { openStore } from '../src/store/data-source';
import { SegmentStore } from '../src/store/segments/segment-store';
import { createTestDatabase } from '../test/helpers/database';
import { zoneAtNoon } from '../test/helpers/zone-at-noon';

const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 100_000);
const BATCH = process.env.BENCH_BATCH ? Number(process.env.BENCH_BATCH) : undefined;
const RATE = 100_000;
const TEXT = 'Hi {{ contact.first_name | default: "there" }}, your {{ contact.attributes.tier }} reward is waiting.';

async function main(): Promise<void> {
  process.env.DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/postgres';
  const database = await createTestDatabase();
  const store = await openStore({ databaseUrl: database.url, pgliteDataDir: 'memory://' });
  const log = pino({ level: 'warn' });
  try {
    const { dataSource } = store;
    const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) =>
      dataSource.query(text, params) as Promise<T[]>;
    await dataSource.runMigrations({ transaction: 'each' });

    let started = performance.now();
    await seed(sql);
    console.log(`seeded ${CONTACTS} contacts with SMS opt-ins in ${Math.round(performance.now() - started)} ms`);

    const config = loadConfig({ RAPPORT_SECRET: 'bench-secret-that-is-long-enough-for-hs256', LOG_LEVEL: 'warn' });
    const bus = new EventBus((event, error) => log.error({ err: error, event }, 'listener failed'));
    const outbound = new OutboundService(
      dataSource,
      bus,
      new MessageStatusUpdater(dataSource, bus),
      new ChannelRegistry(),
      log,
    );
    const campaigns = new CampaignStore(dataSource);
    const sends = new CampaignSendStore(dataSource);
    const phases = timePhases({ sends, campaigns, outbound }, [
      'sends.claimDue',
      'sends.skip',
      'sends.postpone',
      'sends.reserveSlots',
      'sends.send',
      'sends.release',
      'campaigns.find',
      'campaigns.completeFinished',
      'outbound.announce',
    ]);
    const dispatcher = new CampaignDispatcher(
      { campaigns, sends, outbound, startFlow: null, log },
      { policy: sendingPolicyOf(config), rates: { sms: RATE, whatsapp: RATE }, batchSize: BATCH },
    );
    const segments = new SegmentStore(dataSource);
    const service = new CampaignService({
      campaigns,
      audience: (segmentId, alias, first, now) => segments.membershipSql(segmentId, alias, first, now),
      nudge: () => dispatcher.nudge(),
      defaultTimeZone: 'UTC',
      rates: { sms: RATE, whatsapp: RATE },
      windowMinutes: 13 * 60,
      automationOn: async () => undefined,
    });
    const segment = await segments.create({ key: 'bench', name: 'Bench', rules: { tag: 'bench' } }, null);
    const { id } = await service.create(
      {
        name: 'Bench campaign',
        audience: { segmentId: segment.id },
        channel: 'sms',
        purpose: 'marketing',
        message: { text: TEXT },
        holdoutPercent: 0,
        skipWhenCapped: false,
      } as Parameters<CampaignService['create']>[0],
      null,
    );

    const load = os.loadavg();
    const heapBefore = process.memoryUsage().heapUsed;
    const rssBefore = process.memoryUsage.rss();
    let heapPeak = heapBefore;
    let rssPeak = rssBefore;
    const sampler = setInterval(() => {
      heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
      rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
    }, 100);
    started = performance.now();
    await service.launch(id);
    const launchedMs = performance.now() - started;
    dispatcher.start();
    // Done when the dispatcher marks the campaign completed: no recipient waits any more (a cheap
    // look, where counting 100,000 rows ten times a second would compete with what is measured).
    for (let status = 'running'; status !== 'completed';) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      [{ status }] = await sql<{ status: string }>('SELECT status FROM campaigns WHERE id = $1', [id]);
      if (performance.now() - started > 900_000) throw new Error('not every recipient was queued after 15 minutes');
    }
    const campaignMs = performance.now() - started;
    await dispatcher.stop();
    clearInterval(sampler);
    const states = await sql<{ state: string; n: number }>(
      'SELECT state, count(*)::int AS n FROM campaign_recipients WHERE campaign_id = $1 GROUP BY state',
      [id],
    );
    const [sample] = await sql<{ body: string }>(
      "SELECT body FROM messages WHERE metadata->>'campaignId' = $1 LIMIT 1",
      [id],
    );
    const [jobs] = await sql<{ n: number }>('SELECT count(*)::int AS n FROM outbound_jobs');

    const bareMs = await bareInserts(sql);
    const loadAfter = os.loadavg();
    const mb = (bytes: number) => `${(bytes / 1048576).toFixed(0)} MB`;
    console.log(
      JSON.stringify(
        {
          contacts: CONTACTS,
          states: Object.fromEntries(states.map((row) => [row.state, row.n])),
          outboxJobs: jobs.n,
          sample: sample?.body,
          launchMs: Math.round(launchedMs),
          renderedAndQueuedMs: Math.round(campaignMs),
          perSecond: Math.round(CONTACTS / (campaignMs / 1000)),
          bareInsertMs: Math.round(bareMs),
          ratio: Number((campaignMs / bareMs).toFixed(2)),
          heap: { before: mb(heapBefore), peak: mb(heapPeak) },
          rss: { before: mb(rssBefore), peak: mb(rssPeak) },
          loadAverage: { before: load.map((n) => n.toFixed(1)), after: loadAfter.map((n) => n.toFixed(1)) },
          // Where the dispatcher's time went: each store call's total (rounds overlap, so these add
          // up to more than the wall time; the rest of a round is deciding and rendering).
          phasesMs: Object.fromEntries([...phases].map(([name, ms]) => [name, Math.round(ms)])),
        },
        null,
        2,
      ),
    );
  } finally {
    await store.close();
    await database.drop();
  }
}

/** Wraps the named methods (`object.method`) to sum the time spent in each. */
function timePhases(objects: Record<string, object>, names: string[]): Map<string, number> {
  const totals = new Map<string, number>();
  for (const name of names) {
    const [objectName, method] = name.split('.');
    const target = objects[objectName] as Record<string, (...args: unknown[]) => Promise<unknown>>;
    const original = target[method].bind(target);
    totals.set(name, 0);
    target[method] = async (...args: unknown[]) => {
      const started = performance.now();
      try {
        return await original(...args);
      } finally {
        totals.set(name, (totals.get(name) ?? 0) + performance.now() - started);
      }
    };
  }
  return totals;
}

type Sql = <T = Record<string, unknown>>(text: string, params?: unknown[]) => Promise<T[]>;

async function seed(sql: Sql): Promise<void> {
  await sql(
    `INSERT INTO contacts (first_name, phone, time_zone, tags, attributes)
       SELECT CASE WHEN g % 10 = 0 THEN NULL ELSE 'Name' || g END, '+1415' || (2000000 + g)::text, $2, '{bench}',
              jsonb_build_object('tier', (ARRAY['gold', 'silver', 'bronze'])[1 + g % 3])
         FROM generate_series(1, $1::int) AS g`,
    [CONTACTS, zoneAtNoon()],
  );
  await sql(
    `INSERT INTO consent_evidence (contact_id, channel, status, source, recorded_by)
       SELECT id, 'sms', 'opted_in', 'web-form:bench', 'bench' FROM contacts`,
  );
  await sql(
    `INSERT INTO consents (contact_id, channel, status, source, changed_at)
       SELECT id, 'sms', 'opted_in', 'web-form:bench', now() FROM contacts`,
  );
  await sql('VACUUM ANALYZE');
}

/** The tables a campaign's send writes, with the columns it writes. */
const WRITTEN: { table: string; columns: string[] }[] = [
  {
    table: 'campaign_recipients',
    columns: [
      'campaign_id',
      'contact_id',
      'variant',
      'state',
      'send_at',
      'marketing',
      'channel',
      'message_id',
      'sent_at',
    ],
  },
  { table: 'contact_identities', columns: ['contact_id', 'channel', 'address'] },
  { table: 'conversations', columns: ['contact_id', 'identity_id', 'channel'] },
  {
    table: 'messages',
    columns: ['conversation_id', 'contact_id', 'channel', 'direction', 'author_kind', 'body', 'status', 'metadata'],
  },
  { table: 'outbound_jobs', columns: ['message_id', 'conversation_id', 'run_after'] },
];

/** The same rows, read back, then written with multi-row INSERTs into bare copies: the time of the writes only. */
async function bareInserts(sql: Sql): Promise<number> {
  const tables = [];
  for (const { table, columns } of WRITTEN) {
    await sql(`CREATE TABLE bare_${table} (LIKE ${table} INCLUDING ALL)`);
    const rows = await sql<Record<string, unknown>>(`SELECT ${columns.join(', ')} FROM ${table}`);
    tables.push({ table, columns, rows });
  }
  const started = performance.now();
  for (const { table, columns, rows } of tables) {
    for (let from = 0; from < rows.length; from += 1000) {
      const chunk = rows.slice(from, from + 1000);
      const params: unknown[] = [];
      const values = chunk.map((row) => {
        const placeholders = columns.map((column) => {
          const value = row[column];
          params.push(
            value !== null && typeof value === 'object' && !(value instanceof Date) ? JSON.stringify(value) : value,
          );
          return `$${params.length}`;
        });
        return `(${placeholders.join(', ')})`;
      });
      await sql(`INSERT INTO bare_${table} (${columns.join(', ')}) VALUES ${values.join(', ')}`, params);
    }
  }
  return performance.now() - started;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
