import { Writable } from 'node:stream';
import { QueryFailedError } from 'typeorm';
import { createLogger } from '../../src/logger';
import { openStore, type Store } from '../../src/store/data-source';
import { migratedPgliteDump } from '../helpers/migrated-template';
import { createMigratedTestDatabase } from '../helpers/database';

/** A logger whose lines are kept in memory, as JSON objects. */
function capturedLogger() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { log: createLogger('info', destination), lines };
}

describe('the error log', () => {
  let store: Store;
  let dropDatabase: () => Promise<void>;

  beforeAll(async () => {
    const database = await createMigratedTestDatabase();
    dropDatabase = database.drop;
    store = await openStore({
      databaseUrl: database.url,
      pgliteDataDir: 'memory://',
      pgliteDump: migratedPgliteDump(),
    });
  });

  afterAll(async () => {
    await store.close();
    await dropDatabase();
  });

  it("never carries a failed statement's parameters nor the values PostgreSQL repeats in its detail", async () => {
    const hash = '$argon2id$v=19$m=65536,t=3,p=4$c2VjcmV0c2FsdA$SECRET-HASH-VALUE';
    const insert = 'INSERT INTO users (email, name, role, password_hash) VALUES ($1, $2, $3, $4)';
    await store.dataSource.query(insert, ['dup@example.com', 'First', 'agent', hash]);
    const failure = await store.dataSource.query(insert, ['dup@example.com', 'Second', 'agent', hash]).then(
      () => null,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(QueryFailedError);

    const { log, lines } = capturedLogger();
    log.error({ err: failure, path: '/api/users' }, 'request failed');

    const [line] = lines;
    const text = JSON.stringify(line);
    expect(text).not.toContain('SECRET-HASH-VALUE');
    expect(text).not.toContain('dup@example.com');
    const err = line.err as Record<string, unknown>;
    expect(err.code).toBe('23505');
    expect(err.constraint).toEqual(expect.any(String));
    expect(err.query).toContain('INSERT INTO users');
  });

  it('redacts secret fields wherever a log object carries them', () => {
    const { log, lines } = capturedLogger();
    log.warn({ user: { email: 'a@example.com', passwordHash: 'h1', token: 't1' }, password: 'p1' }, 'sign-in');
    const text = JSON.stringify(lines[0]);
    for (const secret of ['h1', 't1', 'p1']) expect(text).not.toContain(`"${secret}"`);
    expect(text).toContain('a@example.com');
  });
});
