import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { progressLine, runContactsImport } from '../../scripts/contacts-import';
import type { ImportStatusView } from '../../src/imports/import-service';
import { createUser } from '../helpers/inbox-client';
import { startTestApp, type TestApp } from '../helpers/test-app';

jest.setTimeout(60_000);

describe('npm run contacts:import', () => {
  let hub: TestApp;
  let token: string;
  let dir: string;

  beforeAll(async () => {
    hub = await startTestApp({ TWILIO_DEFAULT_REGION: 'US' });
    const manager = await createUser(hub, 'manager');
    token = (await hub.app.inbox.tokens.create(manager.id, 'cli')).token;
    dir = mkdtempSync(path.join(tmpdir(), 'rapport-cli-import-'));
  });
  afterAll(async () => {
    await hub.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('uploads the file with an API token, shows progress, and prints the counts and the refused rows', async () => {
    const file = path.join(dir, 'customers.csv');
    writeFileSync(file, 'phone,email\n06 12 34 56 78,ana@example.com\n,not-an-email\n');
    const progress: string[] = [];
    const printed: string[] = [];
    const status = await runContactsImport(
      [file, '--region', 'FR', '--url', hub.url, '--token', token],
      {},
      { progress: (line) => progress.push(line), print: (line) => printed.push(line) },
      20,
    );
    expect(status).toMatchObject({ status: 'done', created: 1, failed: 1 });
    expect(progress.some((line) => line.includes('rows/s'))).toBe(true);
    expect(printed[0]).toBe(
      'Import done: 2 rows — 1 created, 0 updated, 0 unchanged, 0 merged into another row, 1 refused',
    );
    expect(printed).toContain('  line 3: email: "not-an-email" is not an email address');
    expect(printed[printed.length - 1]).toMatch(/\/api\/contacts\/imports\/[0-9a-f-]+\/errors\.csv$/);
    expect(await hub.app.store.dataSource.query('SELECT phone FROM contacts')).toEqual([{ phone: '+33612345678' }]);
  });

  it('writes nothing with --dry-run, and says so', async () => {
    const file = path.join(dir, 'dry.csv');
    writeFileSync(file, 'email\ndry@example.com\n');
    const printed: string[] = [];
    await runContactsImport(
      [file, '--dry-run', '--url', hub.url],
      { RAPPORT_API_TOKEN: token },
      {
        progress: () => undefined,
        print: (line) => printed.push(line),
      },
    );
    expect(printed[0]).toMatch(/^Dry run \(nothing written\) done: 1 rows — 1 created/);
    expect(await hub.app.store.dataSource.query(`SELECT id FROM contacts WHERE email = 'dry@example.com'`)).toEqual([]);
  });

  it('says why when the hub refuses the file', async () => {
    const file = path.join(dir, 'bad.csv');
    writeFileSync(file, 'email\na@example.com\n');
    await expect(
      runContactsImport(
        [file, '--url', hub.url, '--token', token, '--mapping', '{"mail":"email"}'],
        {},
        {
          progress: () => undefined,
          print: () => undefined,
        },
      ),
    ).rejects.toThrow('The hub refused the file (400): mapping: the file has no column "mail"');
  });

  it('draws the bar with the rate and the time left', () => {
    const status = { status: 'running', rows: 100_000, processed: 25_000, progress: 0.25 } as ImportStatusView;
    expect(progressLine(status, 5)).toBe(
      '[########----------------------]   25%  25,000/100,000 rows  5,000 rows/s  ETA 15 s',
    );
  });
});
