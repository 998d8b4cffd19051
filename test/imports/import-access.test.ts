import { request } from 'node:http';
import { createUser, type TestUser } from '../helpers/inbox-client';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { importCsv, uploadCsv } from './import-client';

jest.setTimeout(60_000);

describe('who may import, and what the import refuses to read', () => {
  let hub: TestApp;
  let manager: TestUser;
  let agent: TestUser;
  let importId: string;

  beforeAll(async () => {
    hub = await startTestApp({ TWILIO_DEFAULT_REGION: 'US' });
    manager = await createUser(hub, 'manager');
    agent = await createUser(hub, 'agent', ['support']);
    importId = (await importCsv(hub, manager, 'email\nbad\n')).id;
  });
  afterAll(() => hub.close());

  const call = async (as: TestUser | { token: string } | null, method: string, path: string, body?: string) => {
    const headers: Record<string, string> = { 'content-type': 'text/csv' };
    if (as && 'token' in as) headers.authorization = `Bearer ${as.token}`;
    else if (as) Object.assign(headers, { cookie: as.session.cookie, 'x-csrf-token': as.session.csrf });
    const response = await fetch(`${hub.url}/api${path}`, { method, headers, body });
    return { status: response.status, body: await response.text() };
  };

  it('is for admins and managers: an agent gets 403 on every import route, nobody signed in 401', async () => {
    const routes: [string, string, string?][] = [
      ['POST', '/contacts/import', 'email\na@example.com\n'],
      ['POST', '/contacts/import/preview', 'email\na@example.com\n'],
      ['GET', `/contacts/imports/${importId}`],
      ['GET', `/contacts/imports/${importId}/errors.csv`],
    ];
    for (const [method, path, body] of routes) {
      expect([path, (await call(agent, method, path, body)).status]).toEqual([path, 403]);
      expect([path, (await call(null, method, path, body)).status]).toEqual([path, 401]);
    }
    expect(await hub.app.store.dataSource.query('SELECT count(*)::int AS n FROM contact_imports')).toEqual([{ n: 1 }]);
  });

  it('takes an API token (the CLI’s way), with no CSRF header', async () => {
    const { token } = await hub.app.inbox.tokens.create(manager.id, 'import test');
    const status = await importCsv(hub, { token }, 'email\ntoken@example.com\n');
    expect(status).toMatchObject({ status: 'done', created: 1 });
  });

  it('refuses a body that is not CSV, a mapping that is not JSON or names an unknown field, with 400', async () => {
    expect(await uploadCsv(hub, manager, '{"email":"a@example.com"}', {}, 'application/json')).toMatchObject({
      status: 400,
      body: { error: { code: 'NOT_CSV' } },
    });
    expect(await uploadCsv(hub, manager, 'email\na@example.com\n', { mapping: '{email' })).toMatchObject({
      status: 400,
      body: { error: { code: 'INVALID_MAPPING', message: 'mapping: not valid JSON' } },
    });
    const unknown = await uploadCsv(hub, manager, 'mail\na@example.com\n', { mapping: '{"mail":"e-mail"}' });
    expect(unknown).toMatchObject({ status: 400, body: { error: { code: 'INVALID_MAPPING' } } });
    expect(unknown.body.error?.message).toContain('"mail" → "e-mail" is not a field');
    expect(await uploadCsv(hub, manager, 'mail\na@example.com\n', { mapping: '{"email":"email"}' })).toMatchObject({
      status: 400,
      body: { error: { code: 'INVALID_MAPPING', message: 'mapping: the file has no column "email"' } },
    });
    expect(await uploadCsv(hub, manager, 'email,"unclosed\na@example.com,x\n')).toMatchObject({
      status: 400,
      body: { error: { code: 'INVALID_CSV' } },
    });
    expect(await uploadCsv(hub, manager, '')).toMatchObject({ status: 400, body: { error: { code: 'INVALID_CSV' } } });
    expect(await uploadCsv(hub, manager, 'email\na@example.com\n', { defaultRegion: 'ZZ' })).toMatchObject({
      status: 400,
      body: { error: { code: 'VALIDATION_FAILED' } },
    });
    // None of them left a job behind.
    expect(await hub.app.store.dataSource.query('SELECT count(*)::int AS n FROM contact_imports')).toEqual([{ n: 2 }]);
  });

  it('uses a mapping to read columns under other names, and to ignore one', async () => {
    const status = await importCsv(hub, manager, 'Mobil,Kunde,Secret\n+14155550160,Jonas,x\n', {
      mapping: JSON.stringify({ Mobil: 'phone', Kunde: 'first_name', Secret: 'ignore' }),
    });
    expect(status).toMatchObject({ created: 1, failed: 0 });
    expect(
      await hub.app.store.dataSource.query(`SELECT first_name, attributes FROM contacts WHERE phone = '+14155550160'`),
    ).toEqual([{ first_name: 'Jonas', attributes: {} }]);
  });

  it('refuses a file announced larger than 200 MB with 413 before reading it', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${hub.url}/api/contacts/import`, {
        method: 'POST',
        headers: {
          'content-type': 'text/csv',
          'content-length': String(201 * 1024 * 1024),
          cookie: manager.session.cookie,
          'x-csrf-token': manager.session.csrf,
        },
      });
      req.on('response', (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
        req.destroy();
      });
      req.on('error', reject);
      req.write('email\n');
    });
    expect(status).toBe(413);
  });

  it('answers 404 for an import that does not exist', async () => {
    expect((await call(manager, 'GET', '/contacts/imports/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await call(manager, 'GET', '/contacts/imports/not-a-uuid/errors.csv')).status).toBe(404);
  });

  it('previews the detected mapping and the first five rows from the beginning of a file', async () => {
    const lines = [
      'Phone;E-Mail;Vorname;Points',
      ...Array.from({ length: 8 }, (_, n) => `+1415555017${n};p${n}@example.com;P${n};${n}`),
    ];
    // The beginning is cut mid-record, as a browser's slice of the file would be.
    const text = lines.join('\n').slice(0, -3);
    const preview = await call(manager, 'POST', '/contacts/import/preview', text);
    expect(preview.status).toBe(200);
    expect(JSON.parse(preview.body)).toEqual({
      delimiter: ';',
      columns: [
        { name: 'Phone', field: 'phone' },
        { name: 'E-Mail', field: 'email' },
        { name: 'Vorname', field: 'attribute:vorname', type: 'text' },
        { name: 'Points', field: 'attribute:points', type: 'number' },
      ],
      mapping: { Phone: 'phone', 'E-Mail': 'email', Vorname: 'attribute:vorname', Points: 'attribute:points' },
      rows: lines.slice(1, 6).map((line) => line.split(';')),
    });
  });
});
