import type { DataSource, EntityManager } from 'typeorm';
import { segmentKeysOf } from '../../../flows/schema/condition';
import type { SegmentRule } from '../../../flows/schema/audience-condition';
import { AppError } from '../../core/errors';
import { contactDisplayNameSql } from '../contacts/display-name-sql';
import { queryRows } from '../prepared-query';
import { EventSumWindowStore } from './event-sum-window-store';
import { compileSegment, sumWindowKey, type SegmentSql } from './segment-sql';

export interface SegmentView {
  id: string;
  key: string;
  name: string;
  description: string | null;
  rules: SegmentRule;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface SegmentInput {
  key: string;
  name: string;
  description?: string | null;
  rules: SegmentRule;
}

/** A saved segment's membership predicate over a contacts alias, parameters numbered from `firstParam`. */
export type SegmentMembership = (contactAlias: string, firstParam: number) => SegmentSql;

export interface SegmentPreview {
  count: number;
  /** Up to 10 members, by name. */
  sample: { id: string; name: string }[];
}

const COLUMNS = `id, key, name, description, rules, created_by AS "createdBy",
  to_json(created_at) #>> '{}' AS "createdAt", to_json(updated_at) #>> '{}' AS "updatedAt"`;
const UNIQUE_VIOLATION = '23505';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** How long a turn may use a saved rule read earlier; this process's own writes clear it at once. */
const RULES_TTL_MS = 5_000;
/**
 * What a segment count over a million contacts needs from the planner, per transaction: history
 * conditions under `any`/`not` are hashed subplans, which PostgreSQL only builds when the set of
 * contacts fits `work_mem` (4 MB by default: past it, it re-runs the subquery for every contact);
 * and JIT compilation costs more than it saves on these statements. A caller embedding
 * `membershipSql` in a statement over many contacts runs these first in its transaction.
 */
export const SEGMENT_PLANNER_SETTINGS = ["SET LOCAL work_mem = '64MB'", 'SET LOCAL jit = off'];
/** The saved rules as last read, per database: shared by every SegmentStore of the process. */
const rulesCaches = new WeakMap<DataSource, { at: number; rules: Map<string, SegmentRule> }>();

/**
 * The owner of `segments`: saved rules in the condition language, compiled to one parameterised
 * statement whenever they are counted, previewed or asked about a contact. A rule naming another
 * segment (`{ segment: key }`) includes that segment's rule as it is saved at that moment.
 */
export class SegmentStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly options: {
      defaultTimeZone?: string;
      clock?: () => Date;
      /** Told after a segment is saved or deleted (the sum windows' keeper). */
      changed?: () => void;
    } = {},
  ) {}

  async list(): Promise<SegmentView[]> {
    return queryRows<SegmentView>(this.dataSource.manager, `SELECT ${COLUMNS} FROM segments ORDER BY name, id`, []);
  }

  async get(id: string): Promise<SegmentView | null> {
    if (!UUID.test(id)) return null;
    const [row] = await queryRows<SegmentView>(
      this.dataSource.manager,
      `SELECT ${COLUMNS} FROM segments WHERE id = $1`,
      [id],
    );
    return row ?? null;
  }

  async byKey(key: string): Promise<SegmentView | null> {
    const [row] = await queryRows<SegmentView>(
      this.dataSource.manager,
      `SELECT ${COLUMNS} FROM segments WHERE key = $1`,
      [key],
    );
    return row ?? null;
  }

  /** Saves a segment; its rule must compile (the segments it names exist, no cycle). */
  async create(input: SegmentInput, createdBy: string | null): Promise<SegmentView> {
    await this.compileFor(input.rules, 'c', 1, this.now(), { key: input.key });
    return this.write(async () => {
      const [row] = await queryRows<SegmentView>(
        this.dataSource.manager,
        `INSERT INTO segments (key, name, description, rules, created_by) VALUES ($1, $2, $3, $4::jsonb, $5)
         RETURNING ${COLUMNS}`,
        [input.key, input.name, input.description ?? null, JSON.stringify(input.rules), createdBy],
      );
      return row;
    });
  }

  async update(id: string, patch: Partial<SegmentInput>): Promise<SegmentView> {
    const current = await this.get(id);
    if (!current) throw new AppError('SEGMENT_NOT_FOUND');
    const key = patch.key ?? current.key;
    if (patch.key !== undefined && patch.key !== current.key) await this.refuseIfIncluded(current.key, 'renamed');
    await this.compileFor(patch.rules ?? current.rules, 'c', 1, this.now(), { key });
    return this.write(async () => {
      const [row] = await queryRows<SegmentView>(
        this.dataSource.manager,
        `UPDATE segments SET key = $2, name = COALESCE($3, name),
                description = CASE WHEN $4 THEN $5 ELSE description END,
                rules = COALESCE($6::jsonb, rules), updated_at = now()
          WHERE id = $1 RETURNING ${COLUMNS}`,
        [
          id,
          key,
          patch.name ?? null,
          patch.description !== undefined,
          patch.description ?? null,
          patch.rules === undefined ? null : JSON.stringify(patch.rules),
        ],
      );
      if (!row) throw new AppError('SEGMENT_NOT_FOUND');
      return row;
    });
  }

  /** Deletes a segment no other segment includes (flows that name it then match no one). */
  async remove(id: string): Promise<void> {
    const current = await this.get(id);
    if (!current) throw new AppError('SEGMENT_NOT_FOUND');
    await this.refuseIfIncluded(current.key, 'deleted');
    await this.write(() => queryRows(this.dataSource.manager, 'DELETE FROM segments WHERE id = $1', [id]));
  }

  /** How many contacts a rule holds now. */
  async count(rules: SegmentRule): Promise<number> {
    const where = await this.compileFor(rules, 'c', 1, this.now());
    const [row] = await this.planned((tx) =>
      queryRows<{ count: string }>(tx, `SELECT count(*) AS count FROM contacts c WHERE ${where.sql}`, where.params),
    );
    return Number(row.count);
  }

  /** The count and a first page of members (by name), for a rule being edited. */
  async preview(rules: SegmentRule): Promise<SegmentPreview> {
    const where = await this.compileFor(rules, 'c', 1, this.now());
    const name = contactDisplayNameSql('c');
    const rows = await this.planned((tx) =>
      queryRows<{ id: string; name: string; total: string }>(
        tx,
        `WITH members AS (SELECT c.id, ${name} AS name FROM contacts c WHERE ${where.sql})
       SELECT m.id, m.name, t.total FROM (SELECT count(*) AS total FROM members) t
         LEFT JOIN LATERAL (SELECT id, name FROM members ORDER BY name, id LIMIT 10) m ON true`,
        where.params,
      ),
    );
    return {
      count: Number(rows[0]?.total ?? 0),
      sample: rows.filter((row) => row.id !== null).map(({ id, name: memberName }) => ({ id, name: memberName })),
    };
  }

  /** Whether a contact is in the saved segment with this key (false for an unknown key). */
  async isMember(contactId: string, key: string, now = this.now()): Promise<boolean> {
    return (await this.membershipOf(this.dataSource.manager, contactId, [key], now)).has(key);
  }

  /**
   * The saved segments among `keys` a contact is in, in one statement (the rules come from a
   * short-lived cache, so a turn costs one query). Unknown keys are not in the answer.
   */
  async membershipOf(
    manager: EntityManager,
    contactId: string,
    keys: readonly string[],
    now: Date,
  ): Promise<ReadonlySet<string>> {
    const rules = await this.cachedRules(manager);
    const known = keys.filter((key) => rules.has(key));
    if (known.length === 0 || !UUID.test(contactId)) return new Set();
    const params: unknown[] = [contactId];
    const columns = known.map((key, index) => {
      const where = compileSegment({ segment: key }, this.compileOptions(rules, params.length + 1, now));
      params.push(...where.params);
      return `${where.sql} AS m${index}`;
    });
    const [row] = await queryRows<Record<string, boolean>>(
      manager,
      `SELECT ${columns.join(', ')} FROM contacts c WHERE c.id = $1`,
      params,
    );
    return new Set(row ? known.filter((_, index) => row[`m${index}`]) : []);
  }

  /**
   * A saved segment as a WHERE fragment over `contactAlias`, parameters numbered from
   * `firstParam` (the contacts directory's `?segment=` filter); null for an unknown segment.
   */
  async membershipSql(
    segmentId: string,
    contactAlias: string,
    firstParam: number,
    now: Date,
  ): Promise<{ sql: string; params: unknown[] } | null> {
    const segment = await this.get(segmentId);
    if (!segment) return null;
    return this.compileFor(segment.rules, contactAlias, firstParam, now);
  }

  /**
   * A saved segment, by key or id, as a predicate to place in a statement whose parameters are
   * numbered only when it is built (the feedback filters' `?segment=`); the rules it names are read
   * now. Null for an unknown segment.
   */
  async membership(keyOrId: string, now: Date): Promise<SegmentMembership | null> {
    const segment = UUID.test(keyOrId) ? await this.get(keyOrId) : await this.byKey(keyOrId);
    if (!segment) return null;
    const named = await this.namedRules(segment.rules);
    const sumWindows = await this.sumWindows();
    return (contactAlias, firstParam) =>
      compileSegment(segment.rules, { ...this.compileOptions(named, firstParam, now, contactAlias), sumWindows });
  }

  /**
   * Runs a segment statement with the planner settings it needs (`SEGMENT_PLANNER_SETTINGS`),
   * local to its own transaction.
   */
  private planned<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (tx) => {
      for (const setting of SEGMENT_PLANNER_SETTINGS) await queryRows(tx, setting, []);
      return work(tx);
    });
  }

  /** A rule compiled with the saved segments it names (read now, transitively). */
  private async compileFor(
    rules: SegmentRule,
    alias: string,
    firstParam: number,
    now: Date,
    saving?: { key: string },
  ): Promise<SegmentSql> {
    const named = await this.namedRules(rules);
    const sumWindows = await this.sumWindows();
    if (!saving) return compileSegment(rules, { ...this.compileOptions(named, firstParam, now, alias), sumWindows });
    // A segment being saved is compiled under its key with its new rule, so a cycle through it is caught.
    named.set(saving.key, rules);
    return compileSegment({ segment: saving.key }, this.compileOptions(named, firstParam, now, alias));
  }

  /**
   * The kept sum windows and where each starts, for a statement over many contacts (one contact's
   * check in a bot turn does without them, so that the turn stays one statement).
   */
  private async sumWindows(): Promise<Map<string, Date>> {
    const kept = await new EventSumWindowStore(this.dataSource).list();
    return new Map(kept.map((window) => [sumWindowKey(window), window.countedFrom]));
  }

  /** The rules of every segment `rules` names, directly or through others. */
  private async namedRules(rules: SegmentRule): Promise<Map<string, SegmentRule>> {
    const found = new Map<string, SegmentRule>();
    let wanted = [...segmentKeysOf(rules)];
    while (wanted.length > 0) {
      const rows = await queryRows<{ key: string; rules: SegmentRule }>(
        this.dataSource.manager,
        'SELECT key, rules FROM segments WHERE key = ANY($1::text[])',
        [wanted],
      );
      for (const row of rows) found.set(row.key, row.rules);
      wanted = [...new Set(rows.flatMap((row) => [...segmentKeysOf(row.rules)]))].filter((key) => !found.has(key));
    }
    return found;
  }

  /** Read through `manager`: inside a turn's transaction (PGlite has one connection), never beside it. */
  private async cachedRules(manager: EntityManager): Promise<Map<string, SegmentRule>> {
    const at = Date.now();
    const cached = rulesCaches.get(this.dataSource);
    if (cached && at - cached.at < RULES_TTL_MS) return cached.rules;
    const rows = await queryRows<{ key: string; rules: SegmentRule }>(manager, 'SELECT key, rules FROM segments', []);
    const rules = new Map(rows.map((row) => [row.key, row.rules]));
    rulesCaches.set(this.dataSource, { at, rules });
    return rules;
  }

  private compileOptions(segments: Map<string, SegmentRule>, firstParam: number, now: Date, alias = 'c') {
    return { alias, firstParam, now, defaultTimeZone: this.options.defaultTimeZone ?? 'UTC', segments };
  }

  private async refuseIfIncluded(key: string, change: string): Promise<void> {
    const rows = await queryRows<{ key: string; rules: SegmentRule }>(
      this.dataSource.manager,
      'SELECT key, rules FROM segments WHERE key <> $1',
      [key],
    );
    const including = rows.filter((row) => segmentKeysOf(row.rules).has(key)).map((row) => row.key);
    if (including.length > 0)
      throw new AppError(
        'CONFLICT',
        `Segment "${key}" cannot be ${change}: ${including.map((k) => `"${k}"`).join(', ')} include it`,
      );
  }

  private async write<T>(work: () => Promise<T>): Promise<T> {
    try {
      const written = await work();
      this.options.changed?.();
      return written;
    } catch (error) {
      if ((error as { code?: string }).code === UNIQUE_VIOLATION) throw new AppError('SEGMENT_KEY_TAKEN');
      throw error;
    } finally {
      rulesCaches.delete(this.dataSource);
    }
  }

  private now(): Date {
    return this.options.clock?.() ?? new Date();
  }
}
