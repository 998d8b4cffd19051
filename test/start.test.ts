import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openStore } from '../src/store/data-source';

/**
 * The zero-setup promise: the hub's own entry point, on a fresh data folder, with nothing but
 * Node. Runs src/main.ts with tsx's register hook so the suite needs no build step.
 */
const ROOT = path.resolve(__dirname, '..');
// tsx's register hook in the hub's own process: its CLI would wrap the hub in a child process
// and relay signals, and the test must see how the hub itself handles SIGTERM.
const NODE_ARGS = ['--require', 'tsx/cjs', 'src/main.ts'];

// Two full starts of the hub in child processes: generous on a shared, busy machine.
jest.setTimeout(240_000);

interface Running {
  child: ChildProcess;
  url: string;
  output: () => string;
}

function startHub(env: Record<string, string>): Promise<Running> {
  const child = spawn(process.execPath, NODE_ARGS, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', PORT: '0', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`hub did not start:\n${output}`)), 110_000);
    child.stdout!.on('data', () => {
      const match = /Rapport is running at (http:\/\/\S+)/.exec(output);
      if (match && output.includes('Channels:')) {
        clearTimeout(timer);
        resolve({ child, url: match[1], output: () => output });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`hub exited with ${code}:\n${output}`));
    });
  });
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

describe('npm start on a fresh machine', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'rapport-start-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('migrates the embedded database, seeds the demo once, serves the demo and /health, and stops cleanly', async () => {
    const first = await startHub({ RAPPORT_DATA_DIR: dataDir });
    const health = await fetch(`${first.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', database: 'pglite', channels: { webchat: 'live' } });
    const page = await (await fetch(`${first.url}/`)).text();
    expect(page).toContain('<script src="/widget.js"');
    const widget = await fetch(`${first.url}/widget.js`);
    expect(widget.headers.get('content-type')).toContain('javascript');
    expect(first.output()).toMatch(/email\s+admin@rapport\.local\s+password\s+\S{8,}/);
    expect({ exit: await stop(first.child), output: first.output() }).toMatchObject({ exit: 0 });

    const second = await startHub({ RAPPORT_DATA_DIR: dataDir });
    expect(second.output()).not.toContain('Demo data seeded');
    expect({ exit: await stop(second.child), output: second.output() }).toMatchObject({ exit: 0 });

    const store = await openStore({ pgliteDataDir: path.join(dataDir, 'pglite') });
    try {
      const [{ contacts, users }] = await store.dataSource.query(
        'SELECT (SELECT count(*) FROM contacts)::int AS contacts, (SELECT count(*) FROM users)::int AS users',
      );
      expect({ contacts, users }).toEqual({ contacts: 3, users: 1 });
    } finally {
      await store.close();
    }
  });

  it('refuses to start on invalid configuration, naming the variable', async () => {
    const failure = await startHub({ RAPPORT_DATA_DIR: dataDir, PORT: 'eighty' }).catch((error: Error) => error);
    expect(String(failure)).toMatch(/exited with 2[\s\S]*PORT/);
  });
});
