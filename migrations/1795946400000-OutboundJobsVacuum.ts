import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The outbox is a queue: every row is inserted, updated once or twice and deleted within seconds.
 * PostgreSQL's default autovacuum waits for a fifth of a table to be dead, which a queue table
 * reaches at once and then keeps exceeding; dead rows slow every claim. Vacuum it after a fixed
 * number of dead rows instead, without throttling (it is small).
 */
export class OutboundJobsVacuum1795946400000 implements MigrationInterface {
  name = 'OutboundJobsVacuum1795946400000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE outbound_jobs SET (
        autovacuum_vacuum_scale_factor = 0,
        autovacuum_vacuum_threshold = 1000,
        autovacuum_vacuum_insert_scale_factor = 0,
        autovacuum_vacuum_insert_threshold = 1000,
        autovacuum_vacuum_cost_delay = 0
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE outbound_jobs RESET (
        autovacuum_vacuum_scale_factor,
        autovacuum_vacuum_threshold,
        autovacuum_vacuum_insert_scale_factor,
        autovacuum_vacuum_insert_threshold,
        autovacuum_vacuum_cost_delay
      )`);
  }
}
