import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runUserCommand } from '../../scripts/user';
import { createMigratedTestDatabase, type TestDatabase } from '../helpers/database';
import { fillMigratedPgliteFolder } from '../helpers/migrated-template';

let database: TestDatabase;
let dataDir: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  // A database as the hub's first start leaves it: what the CLI does on it is the subject.
  database = await createMigratedTestDatabase();
  dataDir = mkdtempSync(path.join(tmpdir(), 'rapport-cli-'));
  if (!database.url) await fillMigratedPgliteFolder(path.join(dataDir, 'pglite'));
  env = { RAPPORT_DATA_DIR: dataDir, ...(database.url ? { DATABASE_URL: database.url } : {}) };
});
afterAll(async () => {
  await database.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('npm run user', () => {
  it('creates an agent with teams and a generated password, and lists them', async () => {
    const created = await runUserCommand(
      ['create', '--email', 'Sam@Example.com', '--role', 'agent', '--teams', 'Support,billing'],
      env,
    );
    expect(created[0]).toBe('Created agent sam@example.com (teams: support, billing)');
    expect(created[1]).toMatch(/^Password \(shown once\): \S{12,}$/);

    const listed = await runUserCommand(['list'], env);
    expect(listed).toContain('sam@example.com\tagent\tsupport,billing\tactive');
  });

  it('refuses an unknown role, a short password and a taken email', async () => {
    await expect(runUserCommand(['create', '--email', 'a@example.com', '--role', 'owner'], env)).rejects.toThrow(
      /Usage/,
    );
    await expect(
      runUserCommand(['create', '--email', 'a@example.com', '--role', 'agent', '--password', 'short'], env),
    ).rejects.toThrow(/at least 8/);
    await runUserCommand(
      ['create', '--email', 'taken@example.com', '--role', 'manager', '--password', 'long-enough-1'],
      env,
    );
    await expect(
      runUserCommand(['create', '--email', 'taken@example.com', '--role', 'agent', '--password', 'long-enough-1'], env),
    ).rejects.toThrow('A user with that email already exists');
  });
});
