import type { Express } from 'express';
import { startTestApp, type TestApp } from '../helpers/test-app';

/** The parts of express 5's router stack a walk needs (the router package has no public types for it). */
interface Layer {
  rawPath?: string | string[];
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle: { stack?: Layer[] };
}

const ownPaths = (path: string | string[] | undefined): string[] =>
  path === undefined ? [''] : (Array.isArray(path) ? path : [path]).map((p) => (p === '/' ? '' : p));

/** Every route the app answers, as `METHOD /path` with express's `:id` written `{id}`. */
function mountedRoutes(stack: Layer[], prefix = ''): string[] {
  const routes: string[] = [];
  for (const layer of stack) {
    if (layer.route) {
      for (const path of ownPaths(layer.route.path))
        for (const method of Object.keys(layer.route.methods))
          routes.push(`${method.toUpperCase()} ${prefix}${path.replace(/:(\w+)/g, '{$1}')}`);
    } else if (layer.handle.stack) {
      for (const path of ownPaths(layer.rawPath)) routes.push(...mountedRoutes(layer.handle.stack, prefix + path));
    }
  }
  return routes;
}

describe('the OpenAPI document', () => {
  let hub: TestApp;
  beforeAll(async () => {
    // Flows on, so POST /api/events is mounted too.
    hub = await startTestApp({ RAPPORT_FLOWS_ENABLED: 'true', RAPPORT_API_KEY: 'key-for-the-events-api' });
  });
  afterAll(() => hub.close());

  it('lists every route mounted under /api, once, and no route the app does not have', async () => {
    const express = hub.app.express as Express & { router: { stack: Layer[] } };
    // The document's own routes (the JSON, its page and the page's stylesheet) are not operations of the API.
    const mounted = mountedRoutes(express.router.stack)
      .filter((route) => route.split(' ')[1].startsWith('/api/'))
      .filter((route) => !['GET /api/openapi.json', 'GET /api/docs', 'GET /api/docs.css'].includes(route))
      .sort();
    const document = (await (await fetch(`${hub.url}/api/openapi.json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const described = Object.entries(document.paths)
      .flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} /api${path}`))
      .sort();

    expect(new Set(mounted).size).toBe(mounted.length);
    expect(described).toEqual(mounted);
    // The ten feedback routes were once missing from the document.
    expect(described.filter((route) => route.includes(' /api/feedback'))).toHaveLength(10);
  });

  it("describes each request body with the router's own schema", async () => {
    const document = (await (await fetch(`${hub.url}/api/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: unknown }> } }>>;
    };
    const body = (path: string, method: string) =>
      document.paths[path][method].requestBody?.content['application/json'].schema;
    // The login form takes any non-empty email text (the router's rule), not only a valid address.
    expect(body('/auth/login', 'post')).toMatchObject({
      properties: { email: { type: 'string', minLength: 1, maxLength: 320 } },
    });
    expect(body('/auth/login', 'post')).not.toMatchObject({ properties: { email: { format: 'email' } } });
    // An admin changes what the router takes: no email or password (the old hand-written body offered both).
    expect(Object.keys((body('/users/{id}', 'patch') as { properties: object }).properties).sort()).toEqual([
      'active',
      'name',
      'role',
      'teams',
    ]);
    expect(body('/feedback/{id}/tags', 'put')).toMatchObject({
      properties: { tags: { type: 'array', maxItems: 20 } },
    });
  });
});
