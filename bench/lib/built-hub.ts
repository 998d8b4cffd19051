import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
/** What `npm start` runs, after `npm run build`. */
export const HUB_ENTRY = path.join(ROOT, 'dist', 'src', 'main.js');

/**
 * The flags `npm start` gives Node before the entry (package.json's `start`: `node <flags> <entry>`),
 * so a bench starts the hub exactly as a user does.
 */
export function startScriptNodeFlags(): string[] {
  const packageJson = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const [command, ...words] = packageJson.scripts.start.trim().split(/\s+/);
  if (command !== 'node' || words.at(-1) !== path.relative(ROOT, HUB_ENTRY)) {
    throw new Error(`package.json's start is not "node <flags> dist/src/main.js": ${packageJson.scripts.start}`);
  }
  return words.slice(0, -1);
}
const METRICS_TOKEN = 'bench-metrics-token-long-enough';

/** One sample of a process's memory: resident set, V8 heap in use, V8 heap reserved, external (ArrayBuffers, WASM). */
export interface MemoryFigures {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
}

export interface BuiltHub {
  pid: number;
  url: string;
  /** The hub's memory from its own /metrics (prom-client's process and V8 gauges). */
  memory(): Promise<MemoryFigures>;
  /** The highest resident set the process reached (VmHWM), or NaN off Linux. */
  peakRss(): number;
  /** SIGTERM, then waits for the exit (the hub closes its database first). */
  stop(): Promise<number | null>;
}

/**
 * Starts the hub as `npm start` does — the built `dist/src/main.js` in a process of its own — and
 * resolves once it prints its banner, with `npm start`'s Node flags unless `nodeArgs` says otherwise.
 * `env` adds to the bench's own environment (DATABASE_URL, RAPPORT_DATA_DIR…), and only `env` gives
 * it a DATABASE_URL; /metrics is opened with a token of the bench's.
 */
export async function startBuiltHub(
  env: Record<string, string>,
  nodeArgs: string[] = startScriptNodeFlags(),
): Promise<BuiltHub> {
  if (!existsSync(HUB_ENTRY)) throw new Error(`${HUB_ENTRY} is missing: run npm run build first`);
  // The bench's own DATABASE_URL names the server to make scratch databases on, never the hub's
  // database: a PGlite run must not inherit it.
  const { DATABASE_URL: _server, ...inherited } = process.env;
  // A port chosen here, not PORT=0: with PUBLIC_URL set, the banner shows that URL, not the port.
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, HUB_ENTRY], {
    env: { ...inherited, HOST: '127.0.0.1', LOG_LEVEL: 'warn', METRICS_TOKEN, ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = `http://127.0.0.1:${port}`;
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Rapport is running at')) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`the hub exited with ${code} before it ran:\n${output}`)));
  });
  const exited = new Promise<number | null>((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
  const pid = child.pid ?? -1;
  return {
    pid,
    url,
    memory: async () => {
      const response = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
      const text = await response.text();
      const gauge = (name: string) => {
        const match = new RegExp(`^rapport_${name} (\\S+)$`, 'm').exec(text);
        if (!match) throw new Error(`/metrics has no rapport_${name}`);
        return Number(match[1]);
      };
      return {
        rss: gauge('process_resident_memory_bytes'),
        heapUsed: gauge('nodejs_heap_size_used_bytes'),
        heapTotal: gauge('nodejs_heap_size_total_bytes'),
        external: gauge('nodejs_external_memory_bytes'),
      };
    },
    peakRss: () => {
      try {
        const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
        return match ? Number(match[1]) * 1024 : Number.NaN;
      } catch {
        return Number.NaN;
      }
    },
    stop: async () => {
      child.kill('SIGTERM');
      return await exited;
    },
  };
}

/** A TCP port free on 127.0.0.1 at the moment of asking. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
