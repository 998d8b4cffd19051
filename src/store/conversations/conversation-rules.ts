import type { ConversationStatus, HandledBy } from '../../core/types';

/**
 * The conversation rules every module asks, defined once. SQL and TypeScript read the same
 * constants, so the inbox, ingest, flows and follow-ups cannot disagree on them.
 */

/**
 * "Open" means not resolved: pending and snoozed conversations are still the identity's current
 * thread (a new message reopens them), and at most one such conversation exists per identity
 * (the partial unique index `uq_conversations_open_identity` uses the same predicate).
 */
export const CLOSED_STATUS: ConversationStatus = 'resolved';

export function isOpenStatus(status: ConversationStatus): boolean {
  return status !== CLOSED_STATUS;
}

/** The SQL twin of `isOpenStatus`, over a `conversations` row aliased `alias`. */
export function openConversationSql(alias: string): string {
  return `${alias}.status <> '${CLOSED_STATUS}'`;
}

/** A conversation people handle: the bot stays silent in it until it is handed back. */
export const HANDLED_BY_PEOPLE: HandledBy = 'human';

export function isHandledByPeople(handledBy: HandledBy): boolean {
  return handledBy === HANDLED_BY_PEOPLE;
}

/** The SQL twin of `isHandledByPeople`. */
export function handledByPeopleSql(alias: string): string {
  return `${alias}.handled_by = '${HANDLED_BY_PEOPLE}'`;
}

/** The longest private note, in characters (UTF-16 code units, as zod's `max` counts them). */
export const NOTE_MAX_CHARACTERS = 10_000;
