import type { DataSource } from 'typeorm';

/** How long `/ready` waits for the database before it calls it down. */
const PROBE_TIMEOUT_MS = 1_000;

/** What `/ready` asks the database: does it answer, and is its schema this code's. */
export class DatabaseHealthStore {
  constructor(private readonly dataSource: DataSource) {}

  /** True when `SELECT 1` comes back within a second. */
  async answers(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), PROBE_TIMEOUT_MS)));
    const probe = this.dataSource.query('SELECT 1').then(
      () => true,
      () => false,
    );
    try {
      return await Promise.race([probe, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** True when every migration this code knows has been applied (another process may still be migrating). */
  async migrated(): Promise<boolean> {
    return !(await this.dataSource.showMigrations());
  }
}
