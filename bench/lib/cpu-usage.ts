import { readFileSync, readdirSync } from 'node:fs';

/**
 * CPU time spent so far (Linux /proc, in ms) by this process's main thread, by its other threads
 * (the load generator, the fake Twilio API) and by every PostgreSQL process on the machine.
 * Differences of two snapshots tell where a run's CPU went; on PGlite the database is part of the
 * main thread. Where /proc is missing, every figure is NaN.
 */
export interface CpuSnapshot {
  main: number;
  otherThreads: number;
  postgres: number;
}

const CLOCK_TICKS_PER_SECOND = 100;

function cpuMs(statPath: string): number {
  try {
    // Fields after the command name: utime and stime are the 12th and 13th.
    const fields = readFileSync(statPath, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return 0; // the process or thread ended between listing and reading
  }
}

function postgresMs(): number {
  let total = 0;
  for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres') total += cpuMs(`/proc/${pid}/stat`);
    } catch {
      // gone already
    }
  }
  return total;
}

export function cpuSnapshot(): CpuSnapshot {
  try {
    const tasks = readdirSync(`/proc/${process.pid}/task`);
    const main = cpuMs(`/proc/${process.pid}/task/${process.pid}/stat`);
    const all = tasks.reduce((sum, task) => sum + cpuMs(`/proc/${process.pid}/task/${task}/stat`), 0);
    return { main, otherThreads: all - main, postgres: postgresMs() };
  } catch {
    return { main: NaN, otherThreads: NaN, postgres: NaN };
  }
}

/** CPU ms per request between two snapshots. */
export function cpuPerRequest(before: CpuSnapshot, after: CpuSnapshot, requests: number): CpuSnapshot {
  return {
    main: (after.main - before.main) / requests,
    otherThreads: (after.otherThreads - before.otherThreads) / requests,
    postgres: (after.postgres - before.postgres) / requests,
  };
}
