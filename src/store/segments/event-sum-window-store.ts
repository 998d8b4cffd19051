import type { DataSource, EntityManager } from 'typeorm';
import { queryRows } from '../prepared-query';
import type { EventSumWindowSpec } from './segment-sql';

const DAY_MS = 86_400_000;

/** A kept window, as `event_sum_windows` holds it. */
export interface KeptEventSumWindow extends EventSumWindowSpec {
  id: number;
  countedFrom: Date;
}

/** What one `keep` changed. */
export interface EventSumWindowChanges {
  registered: number;
  dropped: number;
  moved: number;
}

/**
 * The owner of `event_sum_windows` and `contact_event_window_sums` (migration EventSumWindows):
 * which windows are kept, and each kept window's totals, filled when it is registered and moved
 * forward as time passes. The triggers on `contact_event_numbers` add and take away events as
 * they are written; every change made here first takes a lock on that table that waits for the
 * writers in progress and holds new ones back until it commits (SHARE ROW EXCLUSIVE: reads go on,
 * and two of these changes run one after the other), so a total never misses an event written
 * while it is filled or moved, and never counts one twice.
 */
export class EventSumWindowStore {
  constructor(private readonly dataSource: DataSource) {}

  async list(): Promise<KeptEventSumWindow[]> {
    const rows = await queryRows<{ id: number; name: string; key: string; days: number; counted_from: Date }>(
      this.dataSource.manager,
      'SELECT id, name, key, days, counted_from FROM event_sum_windows ORDER BY id',
      [],
    );
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      key: row.key,
      days: row.days,
      countedFrom: new Date(row.counted_from),
    }));
  }

  /**
   * Keeps the windows `wanted` and no others: registers each missing one (its totals filled from
   * the events), drops the rest, and moves each kept window to start `days` before `now`.
   */
  async keep(wanted: readonly EventSumWindowSpec[], now: Date): Promise<EventSumWindowChanges> {
    const changes: EventSumWindowChanges = { registered: 0, dropped: 0, moved: 0 };
    const kept = await this.list();
    const same = (a: EventSumWindowSpec, b: EventSumWindowSpec) =>
      a.name === b.name && a.key === b.key && a.days === b.days;
    for (const window of kept.filter((k) => !wanted.some((w) => same(k, w)))) {
      await this.locked((tx) => queryRows(tx, 'DELETE FROM event_sum_windows WHERE id = $1', [window.id]));
      changes.dropped += 1;
    }
    for (const spec of wanted.filter((w) => !kept.some((k) => same(k, w)))) {
      if (await this.register(spec, now)) changes.registered += 1;
    }
    for (const window of kept.filter((k) => wanted.some((w) => same(k, w)))) {
      if (await this.move(window.id, now)) changes.moved += 1;
    }
    return changes;
  }

  /** Registers a window and fills its totals; false when another process registered it first. */
  private register(spec: EventSumWindowSpec, now: Date): Promise<boolean> {
    return this.locked(async (tx) => {
      const [window] = await queryRows<{ id: number }>(
        tx,
        `INSERT INTO event_sum_windows (name, key, days, counted_from) VALUES ($1, $2, $3, $4)
         ON CONFLICT (name, key, days) DO NOTHING RETURNING id`,
        [spec.name, spec.key, spec.days, startOf(spec.days, now)],
      );
      if (!window) return false;
      await queryRows(
        tx,
        `INSERT INTO contact_event_window_sums (window_id, contact_id, total)
         SELECT w.id, n.contact_id, sum(n.value) FROM event_sum_windows w
           JOIN contact_event_numbers n ON n.name = w.name AND n.key = w.key AND n.occurred_at >= w.counted_from
          WHERE w.id = $1
          GROUP BY w.id, n.contact_id`,
        [window.id],
      );
      return true;
    });
  }

  /**
   * Moves a window's start forward to `days` before `now`, taking away the values of the events
   * that aged out. A start never moves back (a clock set back): counts correct for that exactly.
   */
  private move(windowId: number, now: Date): Promise<boolean> {
    return this.locked(async (tx) => {
      const [window] = await queryRows<{ counted_from: Date; days: number }>(
        tx,
        'SELECT counted_from, days FROM event_sum_windows WHERE id = $1 FOR UPDATE',
        [windowId],
      );
      if (!window) return false;
      const from = startOf(window.days, now);
      if (from.getTime() <= new Date(window.counted_from).getTime()) return false;
      const emptied = await queryRows<{ contact_id: string }>(
        tx,
        `WITH aged AS (
           SELECT n.contact_id, sum(n.value) AS total FROM event_sum_windows w
             JOIN contact_event_numbers n ON n.name = w.name AND n.key = w.key
              AND n.occurred_at >= w.counted_from AND n.occurred_at < $2
            WHERE w.id = $1
            GROUP BY n.contact_id
         ), lowered AS (
           UPDATE contact_event_window_sums s SET total = s.total - aged.total FROM aged
            WHERE s.window_id = $1 AND s.contact_id = aged.contact_id
            RETURNING s.contact_id, s.total
         )
         SELECT contact_id FROM lowered WHERE total = 0`,
        [windowId, from],
      );
      // No total and a total of zero mean the same to a count: the table keeps only the contacts with one.
      if (emptied.length > 0)
        await queryRows(
          tx,
          'DELETE FROM contact_event_window_sums WHERE window_id = $1 AND contact_id = ANY ($2::uuid[]) AND total = 0',
          [windowId, emptied.map((row) => row.contact_id)],
        );
      await queryRows(tx, 'UPDATE event_sum_windows SET counted_from = $2 WHERE id = $1', [windowId, from]);
      return true;
    });
  }

  private locked<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (tx) => {
      await queryRows(tx, 'LOCK TABLE contact_event_numbers IN SHARE ROW EXCLUSIVE MODE', []);
      return work(tx);
    });
  }
}

/** Where a window of `days` starts, counted back from `now`: the same moment a count's cutoff is. */
function startOf(days: number, now: Date): Date {
  return new Date(now.getTime() - days * DAY_MS);
}
