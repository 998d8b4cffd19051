import type { DataSource } from 'typeorm';
import { AppError } from '../../core/errors';
import { queryRows } from '../prepared-query';

export interface CannedResponseView {
  id: string;
  shortCode: string;
  title: string | null;
  body: string;
}

export interface CannedResponseInput {
  shortCode: string;
  title?: string | null;
  body: string;
}

const COLUMNS = 'id, short_code AS "shortCode", title, body';
const UNIQUE_VIOLATION = '23505';

/** Saved replies, shared by the whole team; `/code` in the composer inserts one. */
export class CannedResponseStore {
  constructor(private readonly dataSource: DataSource) {}

  list(search?: string): Promise<CannedResponseView[]> {
    return queryRows<CannedResponseView>(
      this.dataSource.manager,
      `SELECT ${COLUMNS} FROM canned_responses
        WHERE $1::text IS NULL OR short_code ILIKE $1 || '%' OR title ILIKE '%' || $1 || '%'
        ORDER BY short_code LIMIT 200`,
      [search?.replace(/[\\%_]/g, '') || null],
    );
  }

  create(input: CannedResponseInput, userId: string): Promise<CannedResponseView> {
    return this.unique(async () => {
      const [row] = await queryRows<CannedResponseView>(
        this.dataSource.manager,
        `INSERT INTO canned_responses (short_code, title, body, created_by) VALUES ($1, $2, $3, $4) RETURNING ${COLUMNS}`,
        [input.shortCode.toLowerCase(), input.title ?? null, input.body, userId],
      );
      return row;
    });
  }

  update(id: string, input: Partial<CannedResponseInput>): Promise<CannedResponseView> {
    return this.unique(async () => {
      const [row] = await queryRows<CannedResponseView>(
        this.dataSource.manager,
        // An absent title keeps it; `null` (or an empty one) clears it.
        `UPDATE canned_responses SET short_code = COALESCE($2, short_code),
                title = CASE WHEN $5::boolean THEN $3 ELSE title END,
                body = COALESCE($4, body), updated_at = now() WHERE id = $1 RETURNING ${COLUMNS}`,
        [
          id,
          input.shortCode?.toLowerCase() ?? null,
          input.title || null,
          input.body ?? null,
          input.title !== undefined,
        ],
      );
      if (!row) throw new AppError('NOT_FOUND', 'Canned response not found');
      return row;
    });
  }

  async remove(id: string): Promise<void> {
    const rows = await queryRows<{ id: string }>(
      this.dataSource.manager,
      'DELETE FROM canned_responses WHERE id = $1 RETURNING id',
      [id],
    );
    if (rows.length === 0) throw new AppError('NOT_FOUND', 'Canned response not found');
  }

  private async unique<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if ((error as { code?: string }).code === UNIQUE_VIOLATION) {
        throw new AppError('CONFLICT', 'A canned response with that short code already exists');
      }
      throw error;
    }
  }
}
