import { request } from 'node:http';
import { api, createUser, type TestUser } from '../helpers/inbox-client';
import { startTestApp, type TestApp } from '../helpers/test-app';

// Finding 9 of the security review: tokens without scopes that outlived a password change,
// /metrics open, the OpenAPI document echoing the Host header, no security headers outside the
// inbox, and a canned response's title that could not be cleared.

let hub: TestApp;
let admin: TestUser;
beforeAll(async () => {
  hub = await startTestApp();
  admin = await createUser(hub, 'admin');
});
afterAll(async () => {
  await hub.close();
});

async function newToken(as: TestUser, body: Record<string, unknown>): Promise<string> {
  const created = await api<{ token: string; scope: string }>(hub, 'POST', '/tokens', { as: as.session, body });
  expect(created.status).toBe(201);
  return created.body.token;
}

describe('API token scopes', () => {
  it('gives a new token the `write` scope unless asked, which cannot manage tokens, users or the password', async () => {
    const created = await api<{ token: string; scope: string; keepOnPasswordChange: boolean }>(hub, 'POST', '/tokens', {
      as: admin.session,
      body: { name: 'integration' },
    });
    expect(created.body).toMatchObject({ scope: 'write', keepOnPasswordChange: false });
    const as = { token: created.body.token };

    expect((await api(hub, 'GET', '/conversations', { as })).status).toBe(200);
    const canned = await api(hub, 'POST', '/canned-responses', {
      as,
      body: { shortCode: 'write-scope', body: 'Thanks!' },
    });
    expect(canned.status).toBe(201);
    for (const [method, path, body] of [
      ['POST', '/tokens', { name: 'minted', scope: 'full' }],
      ['POST', '/users', { email: 'mallory@example.com', role: 'admin' }],
      ['PATCH', `/users/${admin.id}`, { role: 'admin' }],
      ['POST', '/auth/password', { currentPassword: admin.password, newPassword: 'taken-over-1234' }],
    ] as const) {
      const answer = await api(hub, method, path, { as, body });
      expect(answer.status).toBe(403);
      expect(answer.body).toMatchObject({ error: { code: 'TOKEN_SCOPE' } });
    }
    expect((await api(hub, 'GET', '/tokens', { as })).status).toBe(200);
  });

  it('lets a `read` token only read', async () => {
    const as = { token: await newToken(admin, { name: 'dashboard', scope: 'read' }) };
    expect((await api(hub, 'GET', '/conversations', { as })).status).toBe(200);
    expect((await api(hub, 'GET', '/canned-responses', { as })).status).toBe(200);
    const refused = await api(hub, 'POST', '/canned-responses', { as, body: { shortCode: 'nope', body: 'x' } });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ error: { code: 'TOKEN_SCOPE' } });
    expect((await api(hub, 'PATCH', '/me', { as, body: { name: 'Renamed' } })).status).toBe(403);
  });

  it('lets a `full` token do what its owner may, minting tokens included', async () => {
    const as = { token: await newToken(admin, { name: 'automation', scope: 'full' }) };
    expect((await api(hub, 'POST', '/tokens', { as, body: { name: 'child' } })).status).toBe(201);
  });

  it('ends tokens on their owner password change, except those made to outlive it', async () => {
    const owner = await createUser(hub, 'agent');
    const ending = await newToken(owner, { name: 'ends' });
    const kept = await newToken(owner, { name: 'kept', keepOnPasswordChange: true });
    const changed = await api(hub, 'POST', '/auth/password', {
      as: owner.session,
      body: { currentPassword: owner.password, newPassword: 'a-brand-new-password' },
    });
    expect(changed.status).toBe(204);
    const ended = await api(hub, 'GET', '/conversations', { as: { token: ending } });
    expect(ended.status).toBe(401);
    expect(ended.body).toMatchObject({ error: { code: 'INVALID_TOKEN' } });
    expect((await api(hub, 'GET', '/conversations', { as: { token: kept } })).status).toBe(200);
    const listed = await api<{ tokens: { name: string; revokedAt: string | null }[] }>(hub, 'GET', '/tokens', {
      as: owner.session,
    });
    expect(listed.body.tokens.find((token) => token.name === 'ends')?.revokedAt).not.toBeNull();
  });
});

describe('/api/openapi.json', () => {
  it('does not reflect the Host header: without PUBLIC_URL its server URL is relative', async () => {
    const document = await new Promise<{ servers: { url: string }[] }>((resolve, reject) => {
      const { port } = new URL(hub.url);
      request({ host: '127.0.0.1', port, path: '/api/openapi.json', headers: { host: 'evil.example' } }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve(JSON.parse(text)));
      })
        .on('error', reject)
        .end();
    });
    expect(document.servers).toEqual([{ url: '/api' }]);
  });
});

describe('security headers', () => {
  it.each(['/', '/api/docs', '/api/conversations', '/api/openapi.json', '/inbox/', '/health', '/no-such-page'])(
    'sends a CSP, nosniff and no-framing on %s',
    async (path) => {
      const answer = await fetch(`${hub.url}${path}`);
      const csp = answer.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
      expect(answer.headers.get('x-frame-options')).toBe('DENY');
    },
  );

  it('serves the API docs stylesheet from the hub (no inline style needed)', async () => {
    const page = await (await fetch(`${hub.url}/api/docs`)).text();
    expect(page).not.toContain('<style');
    const css = await fetch(`${hub.url}/api/docs.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toMatch(/text\/css/);
  });
});

describe('/metrics in production', () => {
  it('is closed without METRICS_TOKEN, and open to the token when set', async () => {
    const production = await startTestApp({ NODE_ENV: 'production', TWILIO_SANDBOX: '' });
    const withToken = await startTestApp({
      NODE_ENV: 'production',
      TWILIO_SANDBOX: '',
      METRICS_TOKEN: 'metrics-token-0123456789',
    });
    try {
      const closed = await fetch(`${production.url}/metrics`);
      expect(closed.status).toBe(401);
      expect(await closed.text()).toMatch(/METRICS_TOKEN/);
      expect((await fetch(`${withToken.url}/metrics`)).status).toBe(401);
      const open = await fetch(`${withToken.url}/metrics`, {
        headers: { authorization: 'Bearer metrics-token-0123456789' },
      });
      expect(open.status).toBe(200);
    } finally {
      await production.close();
      await withToken.close();
    }
  });
});

describe('canned responses', () => {
  it('clear their title with {"title": null} and keep it when the title is absent', async () => {
    const created = await api<{ id: string; title: string | null }>(hub, 'POST', '/canned-responses', {
      as: admin.session,
      body: { shortCode: 'titled', title: 'A title', body: 'Hello' },
    });
    expect(created.body.title).toBe('A title');
    const kept = await api<{ title: string | null }>(hub, 'PATCH', `/canned-responses/${created.body.id}`, {
      as: admin.session,
      body: { body: 'Hello again' },
    });
    expect(kept.body.title).toBe('A title');
    const cleared = await api<{ title: string | null; body: string }>(
      hub,
      'PATCH',
      `/canned-responses/${created.body.id}`,
      { as: admin.session, body: { title: null } },
    );
    expect(cleared.status).toBe(200);
    expect(cleared.body).toMatchObject({ title: null, body: 'Hello again' });
  });
});
