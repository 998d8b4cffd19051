import type { DataSource, EntityManager } from 'typeorm';
import { AppError } from '../core/errors';

/** Tables the merge moves itself; any other table with a contact_id column is moved generically. */
const MOVED_EXPLICITLY = new Set(['contacts', 'contact_identities', 'conversations', 'messages']);

export interface MergeResult {
  survivorId: string;
  mergedId: string;
  movedConversationIds: string[];
}

/**
 * Merges `mergedId` into `survivorId` in one transaction: identities, conversations and messages
 * move to the survivor; the survivor keeps its own fields and fills the empty ones from the other;
 * attributes are combined (the survivor wins on a clash) and tags united. Rows of other parts of
 * the hub (consents, feedback, flow runs) move too, table by table; a table whose rows would clash
 * with the survivor's (say, a second consent for the same channel) keeps the survivor's and drops
 * the merged contact's with it.
 */
export async function mergeContacts(
  dataSource: DataSource,
  survivorId: string,
  mergedId: string,
): Promise<MergeResult> {
  if (survivorId === mergedId) throw new AppError('VALIDATION_FAILED', 'A contact cannot be merged into itself');
  return dataSource.transaction(async (manager) => {
    const locked: { id: string }[] = await manager.query(
      'SELECT id FROM contacts WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE',
      [[survivorId, mergedId]],
    );
    if (locked.length !== 2) throw new AppError('CONTACT_NOT_FOUND');

    await manager.query('UPDATE contact_identities SET contact_id = $1 WHERE contact_id = $2', [survivorId, mergedId]);
    const [moved] = (await manager.query(
      'UPDATE conversations SET contact_id = $1, updated_at = now() WHERE contact_id = $2 RETURNING id',
      [survivorId, mergedId],
    )) as [{ id: string }[], number];
    await manager.query('UPDATE messages SET contact_id = $1 WHERE contact_id = $2', [survivorId, mergedId]);
    await moveOtherTables(manager, survivorId, mergedId);
    await manager.query(
      `UPDATE contacts s SET
         display_name = COALESCE(s.display_name, m.display_name), first_name = COALESCE(s.first_name, m.first_name),
         last_name = COALESCE(s.last_name, m.last_name), email = COALESCE(s.email, m.email),
         phone = COALESCE(s.phone, m.phone), locale = COALESCE(s.locale, m.locale),
         time_zone = COALESCE(s.time_zone, m.time_zone), birthday = COALESCE(s.birthday, m.birthday),
         attributes = m.attributes || s.attributes,
         tags = ARRAY(SELECT DISTINCT unnest(s.tags || m.tags)),
         last_seen_at = GREATEST(s.last_seen_at, m.last_seen_at), updated_at = now()
        FROM contacts m WHERE s.id = $1 AND m.id = $2`,
      [survivorId, mergedId],
    );
    await manager.query('DELETE FROM contacts WHERE id = $1', [mergedId]);
    return { survivorId, mergedId, movedConversationIds: moved.map((row) => row.id) };
  });
}

async function moveOtherTables(manager: EntityManager, survivorId: string, mergedId: string): Promise<void> {
  const tables: { table_name: string }[] = await manager.query(
    `SELECT table_name FROM information_schema.columns
      WHERE table_schema = current_schema() AND column_name = 'contact_id' ORDER BY table_name`,
  );
  for (const { table_name: table } of tables) {
    if (MOVED_EXPLICITLY.has(table)) continue;
    await manager.query('SAVEPOINT merge_move');
    try {
      await manager.query(`UPDATE "${table}" SET contact_id = $1 WHERE contact_id = $2`, [survivorId, mergedId]);
      await manager.query('RELEASE SAVEPOINT merge_move');
    } catch (error) {
      if ((error as { code?: string }).code !== '23505') throw error;
      await manager.query('ROLLBACK TO SAVEPOINT merge_move');
    }
  }
}
