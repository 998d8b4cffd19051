/**
 * The load generator of the HTTP benchmarks, on its own thread: the server under test keeps its
 * event loop to itself, as it would with webhooks arriving from Twilio's servers. Receives a
 * LoadJob, answers a LoadOutcome.
 */
import { parentPort } from 'node:worker_threads';
import { Pool } from 'undici';

export interface PreparedRequest {
  body: string;
  headers: Record<string, string>;
}

export interface LoadJob {
  url: string;
  requests: PreparedRequest[];
  /** closed: `concurrency` clients back to back; open: requests started at `rate` per second. */
  mode: 'closed' | 'open';
  concurrency: number;
  rate?: number;
}

export interface LoadOutcome {
  rate: number;
  latencies: number[];
  error?: string;
}

/**
 * Keep-alive connections through undici's pool, like a load tool (wrk) would: fetch() costs
 * several times more CPU per request, and on two cores the load generator's CPU is taken from
 * the server under test.
 */
const pools = new Map<string, Pool>();

async function post(url: string, request: PreparedRequest): Promise<number> {
  const { origin, pathname, search } = new URL(url);
  let pool = pools.get(origin);
  if (!pool) {
    pool = new Pool(origin, { connections: 64 });
    pools.set(origin, pool);
  }
  const started = performance.now();
  const response = await pool.request({
    method: 'POST',
    path: `${pathname}${search}`,
    headers: request.headers,
    body: request.body,
  });
  await response.body.dump();
  if (response.statusCode !== 200) throw new Error(`answered ${response.statusCode}`);
  return performance.now() - started;
}

async function closedLoop(job: LoadJob): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: job.concurrency }, async () => {
      while (next < job.requests.length) latencies.push(await post(job.url, job.requests[next++]));
    }),
  );
  return latencies;
}

async function openLoop(job: LoadJob): Promise<number[]> {
  const interval = 1000 / (job.rate ?? 1);
  const started = performance.now();
  return Promise.all(
    job.requests.map(async (request, index) => {
      const wait = started + index * interval - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      return post(job.url, request);
    }),
  );
}

parentPort?.on('message', (job: LoadJob) => {
  const started = performance.now();
  (job.mode === 'closed' ? closedLoop(job) : openLoop(job)).then(
    (latencies) => {
      const outcome: LoadOutcome = { rate: job.requests.length / ((performance.now() - started) / 1000), latencies };
      parentPort?.postMessage(outcome);
    },
    (error: unknown) => parentPort?.postMessage({ rate: 0, latencies: [], error: String(error) } satisfies LoadOutcome),
  );
});
