import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Why a run ended when the dialogue did not end it itself: its question could not be delivered
 * (`send_failed`), the customer opted out, or the flow version it started on cannot run any more.
 * Null for runs the flow ended (done, handed off, gave up) and for runs replaced by another.
 */
export class FlowRunEndReason1795950000000 implements MigrationInterface {
  name = 'FlowRunEndReason1795950000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE flow_runs ADD COLUMN end_reason varchar(32)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE flow_runs DROP COLUMN end_reason');
  }
}
