import type { LoadJob, LoadOutcome } from './http-load-worker';
import { nextMessage, startThread } from './threads';

export type { PreparedRequest } from './http-load-worker';

/**
 * Runs HTTP load from a worker thread (http-load-worker.ts) and resolves with the achieved rate
 * and every request's latency in ms. A failed request rejects: a benchmark counts only 200s.
 */
export async function runLoad(job: LoadJob): Promise<LoadOutcome> {
  const worker = startThread('http-load-worker.ts');
  try {
    const answer = nextMessage<LoadOutcome>(worker);
    worker.postMessage(job);
    const outcome = await answer;
    if (outcome.error) throw new Error(`load failed: ${outcome.error}`);
    return outcome;
  } finally {
    await worker.terminate();
  }
}
