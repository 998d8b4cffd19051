import type { Express } from 'express';
import fc from 'fast-check';
import type { DataSource } from 'typeorm';
import { createUser, type TestUser } from '../helpers/inbox-client';
import { startTestApp, type TestApp } from '../helpers/test-app';

/**
 * Issue 13, finding 6, as a property: whatever a client throws at any route of the hub — random
 * text, NUL, huge numbers, days that do not exist, forged ids, objects nested thousands deep —
 * the answer is never a 5xx, and the hub still answers /health afterwards. The routes are read
 * from express's own router (as test/inbox/openapi.test.ts does), so a new route is fuzzed the
 * day it is mounted; the fields each /api route takes come from the OpenAPI document.
 *
 * Bounded for CI: a few runs per route, one hub for the file, and a fixed seed (FUZZ_SEED to
 * change it) so a failure reproduces; fast-check prints the seed and the shrunk request.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261202);
const RUNS = { admin: Number(process.env.FUZZ_RUNS ?? 12), anonymous: 4 };
const API_KEY = 'fuzz-events-api-key-0123456789';

/** Routes a walk must not take as the admin: they would end the session the rest of the walk uses. */
const SESSION_ENDING = new Set(['POST /api/auth/logout', 'POST /api/auth/password']);

interface Layer {
  rawPath?: string | string[];
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle: { stack?: Layer[] };
}

interface Route {
  method: string;
  /** Express's path, `:id` style. */
  path: string;
}

const ownPaths = (path: string | string[] | undefined): string[] =>
  path === undefined ? [''] : (Array.isArray(path) ? path : [path]).map((p) => (p === '/' ? '' : p));

function mountedRoutes(stack: Layer[], prefix = ''): Route[] {
  const routes: Route[] = [];
  for (const layer of stack) {
    if (layer.route) {
      for (const path of ownPaths(layer.route.path))
        for (const method of Object.keys(layer.route.methods))
          if (method !== '_all') routes.push({ method: method.toUpperCase(), path: prefix + path });
    } else if (layer.handle.stack) {
      for (const path of ownPaths(layer.rawPath)) routes.push(...mountedRoutes(layer.handle.stack, prefix + path));
    }
  }
  return routes;
}

/** Field names the OpenAPI document gives a route (query parameters and body properties). */
type Fields = Map<string, { query: string[]; body: string[] }>;

async function documentedFields(hub: TestApp): Promise<Fields> {
  const document = (await (await fetch(`${hub.url}/api/openapi.json`)).json()) as {
    paths: Record<
      string,
      Record<
        string,
        {
          parameters?: { name: string; in: string }[];
          requestBody?: { content: Record<string, { schema?: { properties?: object } }> };
        }
      >
    >;
  };
  const fields: Fields = new Map();
  for (const [path, methods] of Object.entries(document.paths))
    for (const [method, operation] of Object.entries(methods)) {
      const express = `/api${path.replace(/\{(\w+)\}/g, ':$1')}`;
      fields.set(`${method.toUpperCase()} ${express}`, {
        query: (operation.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
        body: Object.keys(operation.requestBody?.content['application/json']?.schema?.properties ?? {}),
      });
    }
  return fields;
}

/** Field names of other routes and of the webhooks, so each route also gets its neighbours' fields. */
const COMMON_FIELDS = ['id', 'cursor', 'limit', 'q', 'from', 'to', 'name', 'email', 'text', 'Body', 'From', 'To'];

const deep = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
const deepArray = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;

/** Text as a hostile or careless client sends it. */
const nastyText = fc.oneof(
  { arbitrary: fc.string({ maxLength: 40 }), weight: 1 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }), weight: 1 },
  { arbitrary: fc.string({ maxLength: 10 }).map((text) => `${text}\u0000${text}`), weight: 2 },
  {
    arbitrary: fc.constantFrom(
      '\u0000',
      '2025-02-30',
      '2025-13-45',
      '0000-01-01',
      '9999-12-31',
      '-'.repeat(36),
      '9'.repeat(20),
      '-9223372036854775809',
      '1e400',
      'NaN',
      'Infinity',
      '-1',
      '0',
      '',
      ' ',
      '%',
      'true',
      'null',
      '00000000-0000-0000-0000-000000000000',
      'Europe/Nowhere',
      "'; DROP TABLE contacts; --",
      '\ud800',
      'x'.repeat(5000),
      // Forged cursors: a conversation one past bigint, a feedback one out of every range.
      Buffer.from(`${'9'.repeat(20)}.${'-'.repeat(36)}`).toString('base64url'),
      Buffer.from(JSON.stringify(['2025-13-45 99:99:99+99', '0b7e8c5e-3f7a-4d7e-9b1e-2f1c3d4e5f60'])).toString(
        'base64url',
      ),
    ),
    weight: 4,
  },
);

/** A JSON value as text: most of what JSON can say, and some of what a parser must survive. */
const nastyJson: fc.Arbitrary<string> = fc.oneof(
  nastyText.map((text) => JSON.stringify(text)),
  fc
    .oneof(fc.integer(), fc.double(), fc.constantFrom(2 ** 63, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2))
    .map((n) => JSON.stringify(n)),
  fc.constantFrom('true', 'false', 'null', '[]', '{}', '1e400', '-0', deep(9000), deepArray(9000), deep(50)),
  fc.array(nastyText, { maxLength: 4 }).map((items) => JSON.stringify(items)),
  fc.dictionary(nastyText, nastyText, { maxKeys: 3 }).map((object) => JSON.stringify(object)),
  fc
    .dictionary(fc.string({ maxLength: 8 }), fc.constantFrom(deep(20), '{"b":"\\u0000"}', '[1,[2,[3]]]'), {
      maxKeys: 2,
    })
    .map(
      (object) =>
        `{${Object.entries(object)
          .map(([key, value]) => `${JSON.stringify(key)}:${value}`)
          .join(',')}}`,
    ),
);

/** A path segment, whatever the text (a lone surrogate cannot be percent-encoded: it goes as U+FFFD). */
const encodeId = (value: string) => encodeURIComponent(Buffer.from(value, 'utf8').toString('utf8'));

/** Values for a path parameter: real ids (so handlers go deep), forged ones, junk. */
function idValues(real: string[]): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom(...real),
    nastyText.filter((text) => text.length > 0),
    fc.uuid(),
  );
}

interface FuzzRequest {
  path: string;
  query: [string, string][];
  body: string | undefined;
}

function requests(route: Route, fields: { query: string[]; body: string[] }, ids: string[]) {
  const params = [...route.path.matchAll(/:(\w+)/g)].map((match) => match[1]);
  const key = fc.oneof(fc.constantFrom(...COMMON_FIELDS), fc.string({ maxLength: 8 }));
  // Mostly one documented field with a hostile value and the rest absent, so the value gets past
  // the other fields' validation to the code behind; sometimes many fields at once, and strays.
  const someOf = <T>(names: string[], value: fc.Arbitrary<T>): fc.Arbitrary<[string, T][]> =>
    fc.oneof(
      {
        arbitrary: names.length
          ? fc.tuple(fc.constantFrom(...names), value).map((entry) => [entry])
          : fc.constant([] as [string, T][]),
        weight: 3,
      },
      { arbitrary: manyOf(names, value), weight: 1 },
    );
  const manyOf = <T>(names: string[], value: fc.Arbitrary<T>) =>
    fc
      .tuple(
        fc.tuple(
          ...names.map((name) =>
            fc.option(
              value.map((v) => [name, v] as [string, T]),
              { nil: undefined },
            ),
          ),
        ),
        fc.array(fc.tuple(key, value), { maxLength: 2 }),
      )
      .map(([documented, stray]) => [
        ...documented.filter((entry): entry is [string, T] => entry !== undefined),
        ...stray,
      ]);
  const bodyText = fc.oneof(
    {
      arbitrary: someOf(fields.body, nastyJson).map(
        (entries) => `{${entries.map(([name, value]) => `${JSON.stringify(name)}:${value}`).join(',')}}`,
      ),
      weight: 6,
    },
    { arbitrary: nastyJson, weight: 1 },
    { arbitrary: fc.constantFrom('{', 'not json', ''), weight: 1 },
  );
  return fc.record({
    path: fc
      .tuple(...params.map(() => idValues(ids)))
      .map((values) =>
        params.reduce((path, name, index) => path.replace(`:${name}`, encodeId(values[index])), route.path),
      ),
    query: someOf(fields.query, nastyText),
    body: route.method === 'GET' ? fc.constant(undefined) : fc.option(bodyText, { nil: undefined }),
  }) as fc.Arbitrary<FuzzRequest>;
}

let hub: TestApp;
let db: DataSource;
let admin: TestUser;
let routes: Route[];
let fields: Fields;
let ids: string[];

beforeAll(async () => {
  hub = await startTestApp({ RAPPORT_FLOWS_ENABLED: 'true', RAPPORT_API_KEY: API_KEY });
  db = hub.app.store.dataSource;
  admin = await createUser(hub, 'admin');
  const [contact] = await db.query("INSERT INTO contacts (display_name) VALUES ('Fuzz') RETURNING id");
  const [identity] = await db.query(
    "INSERT INTO contact_identities (contact_id, channel, address) VALUES ($1, 'sms', '+14155550142') RETURNING id",
    [contact.id],
  );
  const [conversation] = await db.query(
    "INSERT INTO conversations (contact_id, identity_id, channel, status) VALUES ($1, $2, 'sms', 'open') RETURNING id",
    [contact.id, identity.id],
  );
  const [rating] = await db.query(
    "INSERT INTO feedback (contact_id, conversation_id, channel, kind, score) VALUES ($1, $2, 'sms', 'nps', 3) RETURNING id",
    [contact.id, conversation.id],
  );
  // Another person's id, not the admin's: a fuzzed PATCH /api/users/{id} must not end the walk's session.
  const colleague = await createUser(hub, 'agent');
  ids = [contact.id, conversation.id, rating.id, colleague.id];
  const express = hub.app.express as Express & { router: { stack: Layer[] } };
  routes = mountedRoutes(express.router.stack);
  fields = await documentedFields(hub);
});
afterAll(async () => {
  await hub.close();
});

/** Answers by status class, so the test can show the walk reached the handlers, not only the guards. */
const answered = new Map<string, number>();

/**
 * Sends one request; its status, or 0 when the connection was cut before a whole answer (a CSV
 * export that failed after its header, a crash): as much a failure as a 5xx.
 */
async function send(route: Route, request: FuzzRequest, signedIn: boolean): Promise<number> {
  const headers: Record<string, string> = {};
  if (request.body !== undefined) headers['content-type'] = 'application/json';
  if (signedIn && route.path === '/api/events') headers.authorization = `Bearer ${API_KEY}`;
  else if (signedIn) Object.assign(headers, { cookie: admin.session.cookie, 'x-csrf-token': admin.session.csrf });
  const query = new URLSearchParams(request.query).toString();
  let status: number;
  try {
    const response = await fetch(`${hub.url}${request.path}${query ? `?${query}` : ''}`, {
      method: route.method,
      headers,
      body: request.body,
    });
    await response.arrayBuffer();
    status = response.status;
  } catch {
    status = 0;
  }
  const kind = `${signedIn ? 'admin' : 'anonymous'} ${String(status)[0]}xx`;
  answered.set(kind, (answered.get(kind) ?? 0) + 1);
  return status;
}

/** Hostile values every documented field gets once, alone, before the random runs: the classes the review found. */
const PROBES = {
  query: [
    'a\u0000b',
    '2025-02-30',
    '0000-01-01',
    '9'.repeat(20),
    Buffer.from(`${'9'.repeat(20)}.${'-'.repeat(36)}`).toString('base64url'),
    Buffer.from(JSON.stringify(['2025-13-45 99:99:99+99', '0b7e8c5e-3f7a-4d7e-9b1e-2f1c3d4e5f60'])).toString(
      'base64url',
    ),
  ],
  body: ['"a\\u0000b"', '["a\\u0000b"]', '{"k":"a\\u0000b","\\u0000":1}', deep(9000), '"0000-01-01"', '1e400'],
};

/** The real id a route's path most likely names, so probes reach the code behind the lookup. */
function realPath(path: string): string {
  const [contact, conversation, rating, colleague] = ids;
  const id = path.includes('/conversations')
    ? conversation
    : path.includes('/feedback')
      ? rating
      : path.includes('/users')
        ? colleague
        : contact;
  return path.replace(/:\w+/g, id);
}

/** Each documented field of each route, alone, with each probe; returns the answers that were 5xx. */
async function probe(): Promise<string[]> {
  const failures: string[] = [];
  for (const route of routes) {
    const name = `${route.method} ${route.path}`;
    if (SESSION_ENDING.has(name)) continue;
    const routeFields = fields.get(name) ?? { query: [], body: [] };
    const path = realPath(route.path);
    const requests: FuzzRequest[] = [
      ...routeFields.query.flatMap((field) =>
        PROBES.query.map((value) => ({ path, query: [[field, value]] as [string, string][], body: undefined })),
      ),
      ...routeFields.body.flatMap((field) =>
        PROBES.body.map((value) => ({ path, query: [], body: `{${JSON.stringify(field)}:${value}}` })),
      ),
    ];
    for (const request of requests) {
      const status = await send(route, request, true);
      if (status >= 500 || status === 0) failures.push(`${name} ${status}: ${JSON.stringify(request).slice(0, 200)}`);
    }
  }
  return failures;
}

/** Runs the property on every route; returns the routes that answered a 5xx, with fast-check's report. */
async function fuzz(signedIn: boolean, numRuns: number): Promise<string[]> {
  const failures: string[] = [];
  for (const route of routes) {
    const name = `${route.method} ${route.path}`;
    if (signedIn && SESSION_ENDING.has(name)) continue;
    const routeFields = fields.get(name) ?? { query: [], body: [] };
    try {
      await fc.assert(
        fc.asyncProperty(fc.noBias(requests(route, routeFields, ids)), async (request) => {
          const status = await send(route, request, signedIn);
          if (status >= 500 || status === 0) throw new Error(`${name} answered ${status}`);
        }),
        { seed: SEED, numRuns, endOnFailure: true },
      );
    } catch (error) {
      failures.push(`${name}: ${(error as Error).message.split('\n').slice(0, 6).join(' | ')}`);
    }
  }
  return failures;
}

describe('every route, fuzzed', () => {
  it('walks a real router (the walk found the routes)', () => {
    const names = routes.map((route) => `${route.method} ${route.path}`);
    expect(names).toEqual(
      expect.arrayContaining(['GET /health', 'GET /api/conversations', 'PATCH /api/contacts/:id', 'POST /api/events']),
    );
  });

  it('never answers an admin with a 5xx', async () => {
    expect(await probe()).toEqual([]);
    expect(await fuzz(true, RUNS.admin)).toEqual([]);
    expect((await fetch(`${hub.url}/health`)).status).toBe(200);
    // The session held: most answers got past authentication, and some requests were valid.
    expect(answered.get('admin 2xx')).toBeGreaterThan(routes.length);
  });

  it('never answers an unauthenticated client with a 5xx', async () => {
    expect(await fuzz(false, RUNS.anonymous)).toEqual([]);
    expect((await fetch(`${hub.url}/health`)).status).toBe(200);
  });
});
