import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

/**
 * Profiles the main thread while `work` runs: its CPU when BENCH_PROFILE names a file (a
 * `.cpuprofile` that Chrome DevTools or any cpuprofile reader opens), what it allocates when
 * BENCH_HEAP_PROFILE names one (a sampled `.heapprofile`: where the garbage collector's work comes
 * from). Otherwise just runs it.
 */
export async function profiled<T>(work: () => Promise<T>): Promise<T> {
  const cpuFile = process.env.BENCH_PROFILE;
  const heapFile = process.env.BENCH_HEAP_PROFILE;
  if (!cpuFile && !heapFile) return work();
  const session = new Session();
  session.connect();
  if (cpuFile) {
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  }
  if (heapFile) {
    await session.post('HeapProfiler.enable');
    // Every 32 KiB allocated, on average; objects the GC has already collected stay in the profile.
    await session.post('HeapProfiler.startSampling', {
      samplingInterval: 32 * 1024,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
  }
  try {
    return await work();
  } finally {
    if (cpuFile) writeFileSync(cpuFile, JSON.stringify((await session.post('Profiler.stop')).profile));
    if (heapFile) writeFileSync(heapFile, JSON.stringify((await session.post('HeapProfiler.stopSampling')).profile));
    session.disconnect();
  }
}
