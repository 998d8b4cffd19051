import { io as connect, type Socket } from 'socket.io-client';
import type { UserRole } from '../../src/core/types';
import type { InboxClientEvents, InboxServerEvents } from '../../src/inbox/realtime-events';
import type { TestApp } from './test-app';

export type Credentials = { cookie: string; csrf: string } | { token: string };

export interface ApiAnswer<T = Record<string, unknown>> {
  status: number;
  body: T;
}

/** A person in the test hub, signed in by cookie (with the CSRF token) or by API token. */
export interface TestUser {
  id: string;
  email: string;
  password: string;
  session: { cookie: string; csrf: string };
}

let sequence = 0;

/** Calls the hub's REST API as a browser (cookie + CSRF header) or an integration (bearer token). */
export async function api<T = Record<string, unknown>>(
  hub: TestApp,
  method: string,
  path: string,
  options: { as?: Credentials; body?: unknown; csrf?: boolean; headers?: Record<string, string> } = {},
): Promise<ApiAnswer<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.as && 'cookie' in options.as) {
    headers.cookie = options.as.cookie;
    if (options.csrf !== false) headers['x-csrf-token'] = options.as.csrf;
  } else if (options.as) headers.authorization = `Bearer ${options.as.token}`;
  const response = await fetch(`${hub.url}/api${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as T };
}

/** Signs in through POST /api/auth/login and returns the session cookie and CSRF token. */
export async function signIn(hub: TestApp, email: string, password: string): Promise<{ cookie: string; csrf: string }> {
  const response = await fetch(`${hub.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (response.status !== 200) throw new Error(`sign-in failed: ${response.status} ${await response.text()}`);
  const body = (await response.json()) as { csrfToken: string };
  const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0];
  return { cookie, csrf: body.csrfToken };
}

/** Creates a user through the directory and signs them in. */
export async function createUser(hub: TestApp, role: UserRole, teams: string[] = []): Promise<TestUser> {
  sequence += 1;
  const email = `${role}${sequence}-${Date.now()}@example.com`;
  const password = `password-${sequence}-long`;
  const user = await hub.app.inbox.users.create({ email, role, teams, password, name: `${role} ${sequence}` });
  return { id: user.id, email, password, session: await signIn(hub, email, password) };
}

/** The people most inbox specifications need: an agent of support, one of billing, and a manager. */
export async function createSupportDesk(
  hub: TestApp,
): Promise<{ supportAgent: TestUser; billingAgent: TestUser; manager: TestUser }> {
  const supportAgent = await createUser(hub, 'agent', ['support']);
  const billingAgent = await createUser(hub, 'agent', ['billing']);
  const manager = await createUser(hub, 'manager');
  return { supportAgent, billingAgent, manager };
}

export type InboxSocket = Socket<InboxServerEvents, InboxClientEvents>;

/** Opens an `/inbox` socket with the given credentials; resolves once connected (or rejects with connect_error). */
export function connectInbox(
  hub: TestApp,
  as: Credentials,
  options: { origin?: string | null; headers?: Record<string, string> } = {},
): Promise<InboxSocket> {
  const socket: InboxSocket = connect(`${hub.url}/inbox`, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    auth: 'token' in as ? { token: as.token } : {},
    extraHeaders:
      'cookie' in as
        ? {
            cookie: as.cookie,
            ...(options.origin === null ? {} : { origin: options.origin ?? hub.url }),
            ...options.headers,
          }
        : {},
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
}

/** Resolves with the next event of that name that matches, or rejects after `ms`. */
export function nextEvent<E extends keyof InboxServerEvents>(
  socket: InboxSocket,
  event: E,
  matches: (payload: Parameters<InboxServerEvents[E]>[0]) => boolean = () => true,
  ms = 5000,
): Promise<Parameters<InboxServerEvents[E]>[0]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, handler as never);
      reject(new Error(`no ${String(event)} within ${ms} ms`));
    }, ms);
    const handler = (payload: Parameters<InboxServerEvents[E]>[0]) => {
      if (!matches(payload)) return;
      clearTimeout(timer);
      socket.off(event, handler as never);
      resolve(payload);
    };
    socket.on(event, handler as never);
  });
}

/** Collects every event of that name, for asserting what did NOT arrive. */
export function collect<E extends keyof InboxServerEvents>(
  socket: InboxSocket,
  event: E,
): Parameters<InboxServerEvents[E]>[0][] {
  const seen: Parameters<InboxServerEvents[E]>[0][] = [];
  socket.on(event, ((payload: Parameters<InboxServerEvents[E]>[0]) => seen.push(payload)) as never);
  return seen;
}

/**
 * Opens `/inbox` sockets as a test's users and keeps them, so that `closeAll` (after each test)
 * leaves none behind. `hub` is read at each opening: a test file starts its hub in beforeAll.
 */
export function inboxSockets(hub: () => TestApp) {
  const sockets: InboxSocket[] = [];
  return {
    async open(user: TestUser): Promise<InboxSocket> {
      const socket = await connectInbox(hub(), user.session);
      sockets.push(socket);
      return socket;
    },
    closeAll(): void {
      for (const socket of sockets.splice(0)) socket.close();
    },
  };
}
