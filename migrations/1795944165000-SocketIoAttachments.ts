import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The table the socket.io Postgres adapter uses for broadcasts over NOTIFY's 8,000-byte limit,
 * when several hub processes share one database (SOCKET_ADAPTER=postgres).
 */
export class SocketIoAttachments1795944165000 implements MigrationInterface {
  name = 'SocketIoAttachments1795944165000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE socket_io_attachments (
        id bigserial UNIQUE,
        created_at timestamptz DEFAULT now(),
        payload bytea
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE socket_io_attachments');
  }
}
