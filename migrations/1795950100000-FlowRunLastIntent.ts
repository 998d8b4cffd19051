import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The intent an intent step last recognised in a run, whatever key the step saves it under, so a
 * branch on `{ intent: … }` reads what was just classified. Null until one is recognised.
 */
export class FlowRunLastIntent1795950100000 implements MigrationInterface {
  name = 'FlowRunLastIntent1795950100000';

  async up(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE flow_runs ADD COLUMN last_intent varchar(100)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE flow_runs DROP COLUMN last_intent');
  }
}
