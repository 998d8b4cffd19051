import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './private-postgres';
import { ACCOUNT_SID, AUTH_TOKEN, PUBLIC_URL, SMS_FROM } from '../helpers/twilio-hub';

const ROOT = path.resolve(__dirname, '..', '..');
// tsx's register hook in the hub's own process (as test/start.test.ts): the test must see how
// the hub itself handles SIGTERM, not how tsx's CLI relays it.
const NODE_ARGS = ['--require', 'tsx/cjs', 'src/main.ts'];

/** The hub as an operator runs it: its own process, `src/main.ts`, configured by environment. */
export class HubProcess {
  private log = '';
  private exit: Promise<number | null>;

  private constructor(
    readonly child: ChildProcess,
    readonly url: string,
    output: { text: string },
  ) {
    this.log = output.text;
    child.stdout!.on('data', (chunk: Buffer) => (this.log += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (this.log += chunk.toString()));
    this.exit = new Promise((resolve) => {
      if (child.exitCode !== null) resolve(child.exitCode);
      else child.once('exit', (code) => resolve(code));
    });
  }

  /**
   * Starts a hub on `databaseUrl`, live-configured against a fake Twilio at `twilioUrl`, with
   * socket.io fan-out through PostgreSQL (its LISTEN connection is the one a restart used to kill).
   */
  static async start(databaseUrl: string, twilioUrl: string, env: Record<string, string> = {}): Promise<HubProcess> {
    // The banner shows PUBLIC_URL (Twilio's view), so the test picks the port itself.
    const port = await freePort();
    const child = spawn(process.execPath, NODE_ARGS, {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        PORT: String(port),
        LOG_LEVEL: 'warn',
        RAPPORT_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'rapport-ops-')),
        RAPPORT_SECRET: 'operations-test-secret-long-enough-for-hs256',
        RAPPORT_SEED_DEMO: 'false',
        DATABASE_URL: databaseUrl,
        SOCKET_ADAPTER: 'postgres',
        TWILIO_ACCOUNT_SID: ACCOUNT_SID,
        TWILIO_AUTH_TOKEN: AUTH_TOKEN,
        TWILIO_SMS_FROM: SMS_FROM,
        TWILIO_API_URL: twilioUrl,
        PUBLIC_URL,
        // These tests send bursts from one address, with retries, on purpose: flood limits are
        // test/security's subject, not theirs.
        WEBCHAT_VISITOR_MESSAGE_RATE: 'off',
        WEBCHAT_ADDRESS_MESSAGE_RATE: 'off',
        WEBCHAT_ADDRESS_SESSION_RATE: 'off',
        TWILIO_SENDER_RATE: 'off',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output = { text: '' };
    const collect = (chunk: Buffer) => (output.text += chunk.toString());
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`hub did not start:\n${output.text}`)), 90_000);
      const onData = () => {
        if (!output.text.includes('Channels:')) return;
        clearTimeout(timer);
        child.stdout!.off('data', collect);
        child.stderr!.off('data', collect);
        child.stdout!.off('data', onData);
        resolve(new HubProcess(child, `http://127.0.0.1:${port}`, output));
      };
      child.stdout!.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`hub exited with ${code}:\n${output.text}`));
      });
    });
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  output(): string {
    return this.log;
  }

  /** Sends SIGTERM and resolves with the exit code and how long the exit took. */
  async terminate(): Promise<{ code: number | null; ms: number }> {
    const started = Date.now();
    this.child.kill('SIGTERM');
    const code = await this.exit;
    return { code, ms: Date.now() - started };
  }

  /** Ends the process whatever it is doing (cleanup after a failed test). */
  async kill(): Promise<void> {
    if (!this.alive) return;
    this.child.kill('SIGKILL');
    await this.exit;
  }
}
