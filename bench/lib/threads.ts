import path from 'node:path';
import { Worker } from 'node:worker_threads';

/** Starts a TypeScript module of bench/lib on its own thread, compiled by tsx like the main one. */
export function startThread(moduleName: string): Worker {
  const entry = JSON.stringify(path.join(__dirname, moduleName));
  return new Worker(`require('tsx/cjs'); require(${entry});`, { eval: true });
}

/** The next message a thread posts (or its error). */
export function nextMessage<T>(worker: Worker): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const fail = (error: Error) => reject(error);
    worker.once('error', fail);
    worker.once('message', (message: T) => {
      worker.off('error', fail);
      resolve(message);
    });
  });
}

/** The fake Twilio API (test/helpers/fake-twilio.ts) on its own thread. */
export async function startFakeTwilioThread(): Promise<{ url: string; close(): Promise<number> }> {
  const worker = startThread('fake-twilio-worker.ts');
  const { url } = await nextMessage<{ url: string }>(worker);
  return {
    url,
    close: async () => {
      const closed = nextMessage<{ accepted: number }>(worker);
      worker.postMessage('close');
      const { accepted } = await closed;
      await worker.terminate();
      return accepted;
    },
  };
}
