import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';

/**
 * Starts a TypeScript module of bench/lib as its own process (compiled by tsx like the main one),
 * so its memory and CPU are not the hub's. Messages go both ways over the IPC channel.
 */
export function startProcess(moduleName: string): ChildProcess {
  return fork(path.join(__dirname, moduleName), [], { execArgv: ['--require', 'tsx/cjs'], stdio: 'inherit' });
}

/** The next message of that type a child process sends. */
export function nextFrom<T extends { type: string }>(child: ChildProcess, type: T['type']): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`the ${type} process exited with ${code}`));
    const onMessage = (message: T) => {
      if (message.type !== type) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(message);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/** Wall-clock milliseconds with sub-millisecond precision, comparable between processes. */
export const clock = (): number => performance.timeOrigin + performance.now();

export interface MemorySample {
  rss: number;
  heap: number;
}

export const memorySample = (): MemorySample => {
  const usage = process.memoryUsage();
  return { rss: usage.rss, heap: usage.heapUsed };
};
