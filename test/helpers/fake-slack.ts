import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody } from './read-body';

/** One Web API call the hub made, with its arguments decoded. */
export interface SlackCall {
  method: string;
  args: Record<string, unknown>;
  authorization: string | undefined;
  /** When the call arrived (performance.now(), ms). */
  at: number;
}

export interface FakeSlackUser {
  id: string;
  email?: string;
  name: string;
}

export interface FakeSlack {
  /** The Web API base URL (SLACK_API_URL). */
  apiUrl: string;
  /** A response_url for a slash command or shortcut; what the hub posts there is a call to `response_url`. */
  responseUrl: string;
  calls: SlackCall[];
  /** Methods answered with 429, in order. */
  rateLimited: string[];
  /** When each 429 was answered (performance.now(), ms), in the same order. */
  rateLimitedAt: number[];
  callsTo(method: string): SlackCall[];
  addUser(user: FakeSlackUser): void;
  /** Answer the next call to `method` with 429 and this Retry-After (seconds). */
  rateLimitNext(method: string, retryAfterSeconds: number): void;
  /**
   * Holds the next call to `method` unanswered until `release()` (a slow Slack). The call is
   * recorded when it arrives.
   */
  holdNext(method: string): { release(): void };
  /** Resolves once `method` has been called at least `count` times. */
  waitForCalls(method: string, count: number): Promise<SlackCall[]>;
  close(): Promise<void>;
}

export const FAKE_BOT_USER_ID = 'UBOT0001';

/**
 * A Slack Web API on 127.0.0.1 answering the methods the hub uses, the way Slack does: form or
 * JSON arguments, `{ ok, … }` bodies with HTTP 200, and 429 with Retry-After when rate limited.
 */
export async function startFakeSlack(): Promise<FakeSlack> {
  const calls: SlackCall[] = [];
  const users = new Map<string, FakeSlackUser>();
  const rateLimits: { method: string; retryAfter: number }[] = [];
  const rateLimited: string[] = [];
  const rateLimitedAt: number[] = [];
  const holds = new Map<string, Promise<void>>();
  const waiters = new Set<() => void>();
  let sequence = 0;
  const nextTs = () => `1700000000.${String(++sequence).padStart(6, '0')}`;

  const answers: Record<string, (args: Record<string, unknown>) => Record<string, unknown>> = {
    'auth.test': () => ({ ok: true, user_id: FAKE_BOT_USER_ID, bot_id: 'BBOT0001', team_id: 'T0001', user: 'rapport' }),
    'chat.postMessage': (args) => ({ ok: true, channel: args.channel, ts: nextTs(), message: { text: args.text } }),
    'chat.postEphemeral': () => ({ ok: true, message_ts: nextTs() }),
    'views.open': () => ({ ok: true, view: { id: `V${sequence}` } }),
    'users.info': (args) => {
      const user = users.get(String(args.user));
      if (!user) return { ok: false, error: 'user_not_found' };
      return {
        ok: true,
        user: {
          id: user.id,
          name: user.name,
          real_name: user.name,
          profile: { email: user.email, real_name: user.name },
        },
      };
    },
  };

  const server: Server = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const args = decode(req.headers['content-type'], await readBody(req));
    if (path.startsWith('/respond/')) {
      calls.push({ method: 'response_url', args, authorization: req.headers.authorization, at: performance.now() });
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
      waiters.forEach((wake) => wake());
      return;
    }
    const method = path.replace(/^\/api\//, '');
    const limit = rateLimits.findIndex((entry) => entry.method === method);
    if (limit >= 0) {
      const [{ retryAfter }] = rateLimits.splice(limit, 1);
      rateLimited.push(method);
      rateLimitedAt.push(performance.now());
      res.writeHead(429, { 'retry-after': String(retryAfter), 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
      return;
    }
    const answer = answers[method];
    calls.push({ method, args, authorization: req.headers.authorization, at: performance.now() });
    const hold = holds.get(method);
    if (hold) {
      holds.delete(method);
      waiters.forEach((wake) => wake());
      await hold;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(answer ? answer(args) : { ok: false, error: 'unknown_method' }));
    waiters.forEach((wake) => wake());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const callsTo = (method: string) => calls.filter((call) => call.method === method);

  return {
    apiUrl: `http://127.0.0.1:${port}/api/`,
    responseUrl: `http://127.0.0.1:${port}/respond/T0001/1/secret`,
    calls,
    rateLimited,
    rateLimitedAt,
    callsTo,
    addUser: (user) => users.set(user.id, user),
    rateLimitNext: (method, retryAfter) => rateLimits.push({ method, retryAfter }),
    holdNext: (method) => {
      let release = () => undefined as void;
      holds.set(method, new Promise<void>((resolve) => (release = resolve)));
      return { release: () => release() };
    },
    waitForCalls: async (method, count) => {
      while (callsTo(method).length < count) {
        await new Promise<void>((resolve) => {
          const wake = () => {
            waiters.delete(wake);
            resolve();
          };
          waiters.add(wake);
        });
      }
      return callsTo(method);
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Signs a request body the way Slack does (v0: HMAC-SHA256 of `v0:{timestamp}:{body}`). */
export function slackSignature(signingSecret: string, body: string, timestamp: number): Record<string, string> {
  const digest = createHmac('sha256', signingSecret).update(`v0:${timestamp}:${body}`).digest('hex');
  return { 'x-slack-signature': `v0=${digest}`, 'x-slack-request-timestamp': String(timestamp) };
}

function decode(contentType: string | undefined, body: string): Record<string, unknown> {
  if (contentType?.includes('application/json')) return JSON.parse(body || '{}') as Record<string, unknown>;
  const args: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    // WebClient sends arrays and objects (blocks, view) as JSON strings in the form.
    args[key] = /^[[{]/.test(value) ? safeJson(value) : value;
  }
  return args;
}

function safeJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
