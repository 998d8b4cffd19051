import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody } from './read-body';

/** One activity the hub posted to the connector. */
export interface ConnectorPost {
  conversationId: string;
  replyToId: string | null;
  authorization: string | undefined;
  activity: Record<string, unknown> & { type: string; text?: string };
}

export interface FakeConnector {
  /** The serviceUrl to put on activities, with the trailing slash real channels send. */
  serviceUrl: string;
  posts: ConnectorPost[];
  /** Answer the next post with this HTTP status instead of accepting it. */
  failNext(status: number): void;
  /** Resolves once at least `count` activities have arrived. */
  waitForPosts(count: number): Promise<ConnectorPost[]>;
  close(): Promise<void>;
}

const ACTIVITIES_PATH = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/;

/**
 * A Bot Framework connector service on 127.0.0.1 speaking the v3 REST protocol botbuilder's
 * ConnectorClient uses: `POST /v3/conversations/{id}/activities[/{replyToId}]` answers
 * `{ id }` (a ResourceResponse). Everything posted is recorded.
 */
export async function startFakeConnector(): Promise<FakeConnector> {
  const posts: ConnectorPost[] = [];
  const failures: number[] = [];
  const waiters: (() => void)[] = [];
  let sequence = 0;

  const server: Server = createServer(async (req, res) => {
    const match = req.method === 'POST' ? ACTIVITIES_PATH.exec(new URL(req.url ?? '/', 'http://x').pathname) : null;
    if (!match) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"code":"NotFound"}}');
      return;
    }
    const body = JSON.parse(await readBody(req)) as ConnectorPost['activity'];
    const failure = failures.shift();
    if (failure !== undefined) {
      res.writeHead(failure, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'BotError', message: `refused with ${failure}` } }));
      return;
    }
    posts.push({
      conversationId: decodeURIComponent(match[1]),
      replyToId: match[2] ? decodeURIComponent(match[2]) : null,
      authorization: req.headers.authorization,
      activity: body,
    });
    sequence += 1;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: `bot-activity-${sequence}` }));
    waiters.splice(0).forEach((wake) => wake());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    serviceUrl: `http://127.0.0.1:${port}/`,
    posts,
    failNext: (status) => failures.push(status),
    waitForPosts: async (count) => {
      while (posts.length < count) await new Promise<void>((resolve) => waiters.push(resolve));
      return posts;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
