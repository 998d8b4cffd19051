/**
 * `npm run bench:soak`: the built hub (as `npm start` runs it, demo data, flows on) under steady
 * mixed traffic for a bounded time, its memory sampled every minute; fails (exit 1) when the V8
 * heap keeps growing after the warm-up.
 *
 *   npm run bench:soak                             # PGlite, 30 minutes
 *   SOAK_MINUTES=5 npm run bench:soak              # shorter
 *   DATABASE_URL=postgres://… npm run bench:soak   # PostgreSQL (a scratch database)
 *
 * Traffic, all at once: web chat visitors over socket.io (each sends a message every two
 * seconds; a fifth of them are replaced by new visitors every minute), signed Twilio SMS
 * webhooks (the hub's replies go to the fake Twilio API), agents' inbox sockets receiving
 * every event, and a campaign every SOAK_CAMPAIGN_MINUTES (default 5) to everyone who has texted
 * in (a few hundred by then), through the API: rendered, paced and sent by the hub's dispatcher. Each sample is the minute's lowest heap used (read every 5 s: the floor between
 * collections) and its last RSS. The verdict is the least-squares slope of heap used over the samples after the
 * warm-up (SOAK_WARMUP_MINUTES, default a third of the run, at most 5): above
 * SOAK_MAX_HEAP_SLOPE_MB_PER_HOUR (default 30) it fails. RSS is reported beside it.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { io, type Socket } from 'socket.io-client';
import twilio from 'twilio';
import { createTestDatabase } from '../test/helpers/database';
import { startBuiltHub, type BuiltHub, type MemoryFigures } from './lib/built-hub';
import { startFakeTwilioThread } from './lib/threads';

const MINUTES = Number(process.env.SOAK_MINUTES ?? 30);
const WARMUP_MINUTES = Number(process.env.SOAK_WARMUP_MINUTES ?? Math.min(5, MINUTES / 3));
const SAMPLE_MS = Number(process.env.SOAK_SAMPLE_SECONDS ?? 60) * 1000;
const MAX_SLOPE = Number(process.env.SOAK_MAX_HEAP_SLOPE_MB_PER_HOUR ?? 30);
const VISITORS = Number(process.env.SOAK_VISITORS ?? 20);
const WEBHOOKS_PER_SECOND = Number(process.env.SOAK_WEBHOOKS_PER_SECOND ?? 5);
const AGENTS = Number(process.env.SOAK_AGENTS ?? 5);
const CAMPAIGN_EVERY_MS = Number(process.env.SOAK_CAMPAIGN_MINUTES ?? 5) * 60_000;

const AUTH_TOKEN = 'soak-auth-token-0123456789abcdef';
const ACCOUNT_SID = `AC${'0123456789abcdef'.repeat(2)}`;
const PUBLIC_URL = 'https://hub.example.com';
const ADMIN = { email: 'admin@soak.local', password: 'soak-admin-password-1234' };
const MB = 1024 * 1024;

interface Counts {
  webchat: number;
  webhooks: number;
  inboxEvents: number;
  campaigns: number;
  errors: number;
}

/** Least-squares slope of y over x. */
export function slope(points: [number, number][]): number {
  const n = points.length;
  const mx = points.reduce((sum, [x]) => sum + x, 0) / n;
  const my = points.reduce((sum, [, y]) => sum + y, 0) / n;
  const sxy = points.reduce((sum, [x, y]) => sum + (x - mx) * (y - my), 0);
  const sxx = points.reduce((sum, [x]) => sum + (x - mx) ** 2, 0);
  return sxx === 0 ? 0 : sxy / sxx;
}

function visitor(url: string, counts: Counts): Socket {
  const socket = io(`${url}/webchat`, { transports: ['websocket'], forceNew: true, reconnection: false, auth: {} });
  let n = 0;
  const timer = setInterval(() => {
    if (!socket.connected) return;
    socket
      .timeout(10_000)
      .emitWithAck('message', { text: `soak message ${n++}: is the book club on Thursday?` })
      .then(
        (ack: { id?: string }) => (ack.id ? (counts.webchat += 1) : (counts.errors += 1)),
        () => (counts.errors += 1),
      );
  }, 2_000);
  socket.on('disconnect', () => clearInterval(timer));
  return socket;
}

async function agentToken(url: string): Promise<string> {
  const login = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ADMIN),
  });
  if (login.status !== 200) throw new Error(`sign-in failed: ${login.status} ${await login.text()}`);
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
  const created = await fetch(`${url}/api/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken },
    body: JSON.stringify({ name: 'soak' }),
  });
  if (created.status !== 201) throw new Error(`token failed: ${created.status} ${await created.text()}`);
  return ((await created.json()) as { token: string }).token;
}

/** Calls the hub's API as the soak's admin (an API token); answers the JSON body, or throws. */
async function api<T>(url: string, token: string, method: string, route: string, body?: unknown): Promise<T> {
  const response = await fetch(`${url}/api${route}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/**
 * A campaign to everyone who has texted in so far (a segment of the SMS contacts), launched now:
 * a transactional text, so it goes out now to those who have not opted out (the webhooks' +1 415
 * senders are in Los Angeles by their number: inside the sending window from 08:00 to 21:00 there).
 */
async function campaign(url: string, token: string, segmentId: string, n: number, counts: Counts): Promise<void> {
  const { id } = await api<{ id: string }>(url, token, 'POST', '/campaigns', {
    name: `Soak campaign ${n}`,
    audience: { segmentId },
    channel: 'sms',
    purpose: 'transactional',
    message: {
      text: 'Hi {{ contact.first_name | default: "there" }}, your order {{ "now" | date: "%H:%M" }} is on its way.',
    },
  });
  await api(url, token, 'POST', `/campaigns/${id}/launch`);
  counts.campaigns += 1;
}

async function webhook(url: string, index: number, counts: Counts): Promise<void> {
  const params = {
    MessageSid: `SM${randomBytes(16).toString('hex')}`,
    AccountSid: ACCOUNT_SID,
    From: `+1415555${String(index % 200).padStart(4, '0')}`,
    To: '+14155550100',
    Body: `soak sms ${index}`,
    NumMedia: '0',
  };
  const response = await fetch(`${url}/webhooks/twilio`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': twilio.getExpectedTwilioSignature(AUTH_TOKEN, `${PUBLIC_URL}/webhooks/twilio`, params),
    },
    body: new URLSearchParams(params).toString(),
  });
  await response.arrayBuffer();
  if (response.ok) counts.webhooks += 1;
  else counts.errors += 1;
}

async function soak(hub: BuiltHub): Promise<boolean> {
  const counts: Counts = { webchat: 0, webhooks: 0, inboxEvents: 0, campaigns: 0, errors: 0 };
  const token = await agentToken(hub.url);
  const segment = await api<{ id: string }>(hub.url, token, 'POST', '/segments', {
    name: 'Texted in',
    rules: { identity: 'sms' },
  });
  const campaigns = setInterval(() => {
    void campaign(hub.url, token, segment.id, counts.campaigns + 1, counts).catch((error: unknown) => {
      counts.errors += 1;
      console.error(error);
    });
  }, CAMPAIGN_EVERY_MS);
  const agents = Array.from({ length: AGENTS }, () => {
    const socket = io(`${hub.url}/inbox`, { transports: ['websocket'], forceNew: true, auth: { token } });
    socket.onAny(() => (counts.inboxEvents += 1));
    return socket;
  });
  let visitors = Array.from({ length: VISITORS }, () => visitor(hub.url, counts));
  let sent = 0;
  const webhooks = setInterval(() => {
    for (let i = 0; i < WEBHOOKS_PER_SECOND; i++)
      void webhook(hub.url, sent++, counts).catch(() => (counts.errors += 1));
  }, 1_000);

  const started = Date.now();
  const samples: { minute: number; memory: MemoryFigures }[] = [];
  console.log(
    '| minute | RSS MB | heap used MB (lowest) | external MB | web chat | webhooks | inbox events | campaigns | errors |',
  );
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  while (Date.now() - started < MINUTES * 60_000) {
    // Heap used is a sawtooth between collections: the period's lowest reading (polled every
    // 5 s) is the nearest to what is live, and what the verdict fits.
    const periodEnd = Date.now() + SAMPLE_MS;
    let memory = await hub.memory();
    while (Date.now() < periodEnd) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(5_000, SAMPLE_MS)));
      const reading = await hub.memory();
      memory = { ...reading, heapUsed: Math.min(memory.heapUsed, reading.heapUsed) };
    }
    const minute = (Date.now() - started) / 60_000;
    samples.push({ minute, memory });
    console.log(
      `| ${minute.toFixed(1)} | ${(memory.rss / MB).toFixed(0)} | ${(memory.heapUsed / MB).toFixed(1)} | ${(memory.external / MB).toFixed(0)} | ${counts.webchat} | ${counts.webhooks} | ${counts.inboxEvents} | ${counts.campaigns} | ${counts.errors} |`,
    );
    // Churn: a fifth of the visitors leave and new ones arrive (new sessions, new conversations).
    const leaving = visitors.slice(0, Math.ceil(VISITORS / 5));
    leaving.forEach((socket) => socket.disconnect());
    visitors = [...visitors.slice(leaving.length), ...leaving.map(() => visitor(hub.url, counts))];
  }
  clearInterval(webhooks);
  clearInterval(campaigns);
  visitors.forEach((socket) => socket.disconnect());
  agents.forEach((socket) => socket.disconnect());

  const settled = samples.filter((sample) => sample.minute >= WARMUP_MINUTES);
  if (settled.length < 3) {
    console.log(`\nToo few samples after the ${WARMUP_MINUTES}-minute warm-up for a verdict (need 3).`);
    return false;
  }
  const heapSlope = slope(settled.map((s) => [s.minute / 60, s.memory.heapUsed / MB]));
  const rssSlope = slope(settled.map((s) => [s.minute / 60, s.memory.rss / MB]));
  const ok = heapSlope <= MAX_SLOPE && counts.webchat > 0 && counts.webhooks > 0;
  console.log(
    `\nAfter the ${WARMUP_MINUTES.toFixed(1)}-minute warm-up (${settled.length} samples): heap ${heapSlope.toFixed(1)} MB/h, RSS ${rssSlope.toFixed(1)} MB/h ` +
      `(limit for heap ${MAX_SLOPE} MB/h) — ${ok ? 'flat' : 'FAIL'}`,
  );
  return ok;
}

async function main(): Promise<void> {
  const [load1, load5] = os.loadavg();
  const database = await createTestDatabase();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'rapport-bench-soak-'));
  const fake = await startFakeTwilioThread();
  console.log(
    `bench:soak on ${database.url ? 'PostgreSQL' : 'PGlite'} — ${MINUTES} min, ${VISITORS} visitors, ${WEBHOOKS_PER_SECOND} webhooks/s, ${AGENTS} inbox sockets; load average ${load1.toFixed(2)} / ${load5.toFixed(2)}\n`,
  );
  let ok = false;
  try {
    const hub = await startBuiltHub({
      RAPPORT_DATA_DIR: dataDir,
      RAPPORT_SECRET: 'soak-secret-that-is-long-enough-for-hs256',
      RAPPORT_SEED_DEMO: 'true',
      RAPPORT_ADMIN_EMAIL: ADMIN.email,
      RAPPORT_ADMIN_PASSWORD: ADMIN.password,
      TWILIO_ACCOUNT_SID: ACCOUNT_SID,
      TWILIO_AUTH_TOKEN: AUTH_TOKEN,
      TWILIO_SMS_FROM: '+14155550100',
      TWILIO_API_URL: fake.url,
      PUBLIC_URL,
      WEBCHAT_VISITOR_MESSAGE_RATE: 'off',
      WEBCHAT_ADDRESS_MESSAGE_RATE: 'off',
      WEBCHAT_ADDRESS_SESSION_RATE: 'off',
      ...(database.url ? { DATABASE_URL: database.url } : {}),
    });
    try {
      ok = await soak(hub);
    } finally {
      await hub.stop();
    }
  } finally {
    console.log(`fake Twilio accepted ${await fake.close()} replies`);
    rmSync(dataDir, { recursive: true, force: true });
    await database.drop();
  }
  process.exit(ok ? 0 : 1);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
