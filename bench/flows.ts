/**
 * `npm run bench:flows`: the same six-step dialogue (greeting, choice, rating, free text with
 * intent, set, end) on Rapport's flow engine and on botbuilder-dialogs (WaterfallDialog with
 * prompts and MemoryStorage), in the same process and run. Both use the same natural recognizer
 * for the intent. Rapport runs on in-memory implementations of its ports (like MemoryStorage),
 * then, for reference, on the real store (PGlite in memory; PostgreSQL too when DATABASE_URL is set).
 */
import { channelCapabilities } from '../channels/capabilities';
import 'reflect-metadata';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import {
  ActivityTypes,
  ConversationState,
  MemoryStorage,
  TestAdapter,
  UserState,
  type TurnContext,
} from 'botbuilder-core';
import {
  ChoicePrompt,
  DialogSet,
  DialogTurnStatus,
  NumberPrompt,
  TextPrompt,
  WaterfallDialog,
  type DialogState,
} from 'botbuilder-dialogs';
import { FlowEngine } from '../flows/engine/engine';
import { FlowCatalog } from '../flows/engine/flow-catalog';
import { FlowRunner } from '../flows/engine/flow-runner';
import { contactProfile, MemoryFlowStore } from '../flows/engine/memory-flow-store';
import type { FlowStore } from '../flows/engine/ports';
import { TemplateRenderer } from '../flows/engine/templates';
import { TriggerMatcher } from '../flows/engine/trigger-matcher';
import { NaturalRecognizer, naturalRecognizer } from '../flows/nlu/natural-recognizer';
import { NaturalSentiment } from '../flows/nlu/natural-sentiment';
import { parseFlow } from '../flows/schema/load-flow';
import { EventBus } from '../src/core/events';
import { FeedbackStore } from '../src/store/feedback/feedback-store';
import pino from 'pino';
import { FlowRunStore } from '../src/store/flow-runs/flow-run-store';
import { MessageStatusUpdater } from '../src/conversations/message-status';
import { ChannelRegistry } from '../src/outbound/channel-registry';
import { OutboundService } from '../src/outbound/outbound-service';
import { openStore, type Store } from '../src/store/data-source';
import { createTestDatabase } from '../test/helpers/database';
import { countRoundTrips } from './lib/round-trips';

const INTENTS = [
  { name: 'buy', examples: ['I want to buy a book', 'looking for a present', 'shopping for novels'] },
  { name: 'coffee', examples: ['just a coffee please', 'grabbing a latte', 'need caffeine'] },
  { name: 'club', examples: ['here for the book club', 'reading group tonight', 'club meeting'] },
];

const FLOW = `id: bench
name: Bench
triggers: [{ type: keyword, keywords: [start] }]
steps:
  - id: greet
    type: say
    text: "Hi {{ contact.first_name | default: 'there' }}!"
  - id: drink
    type: ask
    input: choice
    prompt: Tea, coffee or juice?
    options: [Tea, Coffee, Juice]
  - id: rate
    type: ask
    input: rating
    prompt: How was your last visit, 1 to 5?
  - id: why
    type: intent
    prompt: What brings you in today?
    intents:
${INTENTS.map((intent) => `      - name: ${intent.name}\n        examples: [${intent.examples.join(', ')}]\n        goto: save`).join('\n')}
    fallback: save
  - id: save
    type: set
    attributes: { drink: "{{ answers.drink }}", rating: "{{ answers.rate }}", reason: "{{ answers.intent }}" }
    tags: { add: [bench] }
  - id: bye
    type: end
    text: Thanks, see you soon!
`;

/** Four customer turns make the six steps. */
const TURNS = ['start', 'coffee', '4', 'I want to buy a book'];
const REPLIES_PER_DIALOGUE = 5;
/** The concurrent SQL row: this many dialogues, this many conversations in flight at once. */
const CONCURRENT_DIALOGUES = Number(process.env.BENCH_CONCURRENT_DIALOGUES ?? 2000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
const roundTrips = countRoundTrips();

interface Result {
  name: string;
  turns: number;
  seconds: number;
  latencies: number[];
}

/** Rapport: the runner with the real engine over a store (in memory or SQL). */
async function rapport(
  store: FlowStore,
  conversationIds: string[],
): Promise<{
  run: (ids: string[]) => Promise<Result>;
  runConcurrently: (ids: string[], concurrency: number) => Promise<Result>;
}> {
  const catalog = new FlowCatalog([parseFlow(FLOW, 'bench.yaml')], naturalRecognizer);
  let replies = 0;
  const runner = new FlowRunner({
    store,
    capabilities: channelCapabilities,
    catalog,
    triggers: new TriggerMatcher(catalog.list(), naturalRecognizer),
    engine: new FlowEngine({ templates: new TemplateRenderer(), sentiment: new NaturalSentiment() }),
    sender: {
      release: async (kept) => {
        replies += kept.length;
        return { released: kept.length };
      },
    },
    events: { handedOff: () => undefined },
  });
  void conversationIds;
  /** Many conversations at once, each one's turns in order (the hub under load). */
  const runConcurrently = async (ids: string[], concurrency: number): Promise<Result> => {
    replies = 0;
    const latencies: number[] = [];
    const queue = [...ids];
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (let conversationId = queue.shift(); conversationId; conversationId = queue.shift()) {
          for (const text of TURNS) {
            const t0 = performance.now();
            await runner.handleMessage({ conversationId, text, isNewContact: false });
            latencies.push(performance.now() - t0);
          }
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    if (replies !== ids.length * REPLIES_PER_DIALOGUE) throw new Error(`rapport replied ${replies} times`);
    return { name: 'rapport', turns: latencies.length, seconds, latencies };
  };
  return {
    runConcurrently,
    /** One conversation at a time: the same loop with one worker. */
    run: (ids) => runConcurrently(ids, 1),
  };
}

interface BenchValues {
  drink?: string;
  rate?: number;
}

/** botbuilder-dialogs: the same dialogue as a WaterfallDialog with prompts, state in MemoryStorage. */
function botbuilder() {
  const storage = new MemoryStorage();
  const conversationState = new ConversationState(storage);
  const userState = new UserState(storage);
  const dialogState = conversationState.createProperty<DialogState>('dialogState');
  const profile = userState.createProperty<Record<string, unknown>>('profile');
  const recognizer = new NaturalRecognizer(INTENTS);
  const dialogs = new DialogSet(dialogState);
  dialogs.add(new ChoicePrompt('choice'));
  dialogs.add(
    new NumberPrompt('rating', async (prompt) => {
      const value = prompt.recognized.value;
      return prompt.recognized.succeeded && value !== undefined && Number.isInteger(value) && value >= 1 && value <= 5;
    }),
  );
  dialogs.add(new TextPrompt('text'));
  dialogs.add(
    new WaterfallDialog('bench', [
      async (step) => {
        const user = await profile.get(step.context, {});
        await step.context.sendActivity(`Hi ${(user.first_name as string) ?? 'there'}!`);
        return step.prompt('choice', { prompt: 'Tea, coffee or juice?', choices: ['Tea', 'Coffee', 'Juice'] });
      },
      async (step) => {
        (step.values as BenchValues).drink = (step.result as { value: string }).value;
        return step.prompt('rating', { prompt: 'How was your last visit, 1 to 5?' });
      },
      async (step) => {
        (step.values as BenchValues).rate = step.result as number;
        return step.prompt('text', { prompt: 'What brings you in today?' });
      },
      async (step) => {
        const recognition = recognizer.classify(String(step.result));
        const user = await profile.get(step.context, {});
        const values = step.values as BenchValues;
        user.drink = values.drink;
        user.rating = values.rate;
        user.reason = recognition.confidence >= 0.5 ? recognition.intent : null;
        user.tags = [...new Set([...((user.tags as string[]) ?? []), 'bench'])];
        await step.context.sendActivity('Thanks, see you soon!');
        return step.endDialog();
      },
    ]),
  );
  const adapter = new TestAdapter(async (context: TurnContext) => {
    const dc = await dialogs.createContext(context);
    const result = await dc.continueDialog();
    if (result.status === DialogTurnStatus.empty && context.activity.text === 'start') await dc.beginDialog('bench');
    await conversationState.saveChanges(context);
    await userState.saveChanges(context);
  });
  return {
    run: async (ids: string[]): Promise<Result> => {
      let replies = 0;
      const latencies: number[] = [];
      const started = performance.now();
      for (const id of ids) {
        for (const text of TURNS) {
          const t0 = performance.now();
          await adapter.processActivity({
            type: ActivityTypes.Message,
            text,
            conversation: { id, isGroup: false, name: id, conversationType: 'personal' },
            from: { id: `user-${id}`, name: 'Customer' },
          });
          latencies.push(performance.now() - t0);
          replies += adapter.activityBuffer.length;
          adapter.activityBuffer.splice(0);
        }
      }
      const seconds = (performance.now() - started) / 1000;
      if (replies !== ids.length * REPLIES_PER_DIALOGUE) throw new Error(`botbuilder replied ${replies} times`);
      return { name: 'botbuilder-dialogs', turns: latencies.length, seconds, latencies };
    },
  };
}

function memoryConversations(store: MemoryFlowStore, prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => {
    const id = `${prefix}-${i}`;
    store.addConversation(
      {
        id,
        contactId: `contact-${id}`,
        channel: 'webchat',
        status: 'open',
        handledBy: 'bot',
        assigneeId: null,
        team: null,
      },
      contactProfile(`contact-${id}`, { first_name: i % 2 ? 'Maya' : null }),
    );
    return id;
  });
}

async function sqlConversations(store: Store, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const [row]: { id: string }[] = await store.dataSource.query(
      `WITH k AS (INSERT INTO contacts (first_name) VALUES ('Maya') RETURNING id),
            i AS (INSERT INTO contact_identities (contact_id, channel, address) SELECT id, 'webchat', gen_random_uuid()::text FROM k RETURNING id, contact_id)
       INSERT INTO conversations (contact_id, identity_id, channel) SELECT contact_id, id, 'webchat' FROM i RETURNING id`,
    );
    ids.push(row.id);
  }
  return ids;
}

function summarize(result: Result) {
  const sorted = [...result.latencies].sort((a, b) => a - b);
  const p = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return {
    name: result.name,
    turns: result.turns,
    turnsPerSecond: Math.round(result.turns / result.seconds),
    p50ms: Number(p(0.5).toFixed(3)),
    p99ms: Number(p(0.99).toFixed(3)),
  };
}

async function main(): Promise<void> {
  const dialogues = Number(process.env.BENCH_DIALOGUES ?? 2000);
  // BENCH_SQL_ONLY=true skips the in-memory comparison (when working on the store).
  const rounds = process.env.BENCH_SQL_ONLY === 'true' ? 0 : 3;
  const memory = new MemoryFlowStore();
  const ours = await rapport(memory, []);
  const theirs = botbuilder();

  // Warm up both (JIT, classifier caches), then alternate rounds so drift hits both alike.
  await ours.run(memoryConversations(memory, 'warm', 200));
  if (rounds > 0) await theirs.run(Array.from({ length: 200 }, (_, i) => `warm-${i}`));
  const totals: Record<string, Result> = {};
  for (let round = 0; round < rounds; round++) {
    for (const result of [
      await theirs.run(Array.from({ length: dialogues }, (_, i) => `r${round}-${i}`)),
      await ours.run(memoryConversations(memory, `r${round}`, dialogues)),
    ]) {
      const total = (totals[result.name] ??= { name: result.name, turns: 0, seconds: 0, latencies: [] });
      total.turns += result.turns;
      total.seconds += result.seconds;
      total.latencies.push(...result.latencies);
    }
  }
  const rows = rounds > 0 ? [summarize(totals['botbuilder-dialogs']), summarize(totals.rapport)] : [];
  const ratio = rounds > 0 ? rows[1].turnsPerSecond / rows[0].turnsPerSecond : NaN;

  // For reference: the same dialogue on the real store (one transaction with a row lock per turn).
  // BENCH_PGLITE=false leaves PGlite out (when working on PostgreSQL's figures).
  const stores: { label: string; postgres: boolean }[] =
    process.env.BENCH_PGLITE === 'false' ? [] : [{ label: 'rapport + SQL store (PGlite in memory)', postgres: false }];
  if (process.env.DATABASE_URL) stores.push({ label: 'rapport + SQL store (PostgreSQL 15)', postgres: true });
  const real: (ReturnType<typeof summarize> & { roundTripsPerTurn?: number })[] = [];
  for (const target of stores) {
    // A database of its own on the PostgreSQL server, dropped afterwards.
    const database = target.postgres ? await createTestDatabase() : { url: undefined, drop: async () => undefined };
    // The hub's default pool.
    const store = await openStore({ databaseUrl: database.url, pgliteDataDir: 'memory://', poolSize: 10 });
    try {
      await store.dataSource.runMigrations({ transaction: 'each' });
      const bus = new EventBus(() => undefined);
      const flowStore = (replyRules?: OutboundService) =>
        new FlowRunStore(store.dataSource, bus, {
          feedback: new FeedbackStore(store.dataSource),
          defaultRegion: 'US',
          replyRules,
        });
      const sql = await rapport(flowStore(), []);
      await sql.run(await sqlConversations(store, 50));
      const before = roundTrips.count();
      const result = await sql.run(await sqlConversations(store, 300));
      const perTurn = (roundTrips.count() - before) / result.turns;
      real.push({
        ...summarize(result),
        name: `${target.label}, one conversation at a time`,
        roundTripsPerTurn: Number(perTurn.toFixed(2)),
      });
      // Many conversations at once, as a hub under load sees them; one conversation's turns in order.
      const ids = await sqlConversations(store, CONCURRENT_DIALOGUES);
      const concurrentBefore = roundTrips.count();
      const concurrent = await sql.runConcurrently(ids, CONCURRENCY);
      real.push({
        ...summarize(concurrent),
        name: `${target.label}, ${CONCURRENCY} conversations at once`,
        roundTripsPerTurn: Number(((roundTrips.count() - concurrentBefore) / concurrent.turns).toFixed(2)),
      });
      // The same with the hub's sending rules: each turn's replies are checked and written in its
      // transaction, as the hub writes them (web chat here, which delivers at once: no send jobs;
      // this bench's sender only counts them). The rows above keep the replies for the sender only.
      const outbound = new OutboundService(
        store.dataSource,
        bus,
        new MessageStatusUpdater(store.dataSource, bus),
        new ChannelRegistry(),
        pino({ level: 'silent' }),
      );
      const withReplies = await rapport(flowStore(outbound), []);
      const replyIds = await sqlConversations(store, CONCURRENT_DIALOGUES);
      const repliesBefore = roundTrips.count();
      const written = await withReplies.runConcurrently(replyIds, CONCURRENCY);
      real.push({
        ...summarize(written),
        name: `${target.label}, ${CONCURRENCY} at once, replies written in the turn`,
        roundTripsPerTurn: Number(((roundTrips.count() - repliesBefore) / written.turns).toFixed(2)),
      });
    } finally {
      await store.close();
      await database.drop();
    }
  }

  console.log(
    `bench:flows — ${dialogues} dialogues x ${rounds} rounds, ${TURNS.length} turns each, Node ${process.version}`,
  );
  console.table([...rows, ...real]);
  if (rounds > 0) console.log(`rapport / botbuilder-dialogs turns per second: ${ratio.toFixed(2)}x (target >= 2x)`);
  console.log(
    `load average: ${os
      .loadavg()
      .map((load) => load.toFixed(2))
      .join(', ')}`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
