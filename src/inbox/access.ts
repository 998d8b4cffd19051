import type { Principal } from '../auth/principal';
import { seesEverything } from '../auth/principal';

/**
 * Who may see a conversation — the one rule behind the REST API and the live events:
 * - admins and managers see every conversation;
 * - an agent sees the conversations assigned to them, and the unassigned ones of their teams or
 *   of no team. A conversation assigned to a colleague, or waiting in another team, is not theirs:
 *   the API answers 404 for it (as if it did not exist) and its events never reach their socket.
 */
export interface Audience {
  assigneeId: string | null;
  team: string | null;
}

/** A SQL predicate on the conversation alias `c`, with its parameters numbered from `firstParam`. */
export function visibleTo(
  caller: Pick<Principal, 'id' | 'role' | 'teams'>,
  firstParam: number,
): { sql: string; params: unknown[] } {
  if (seesEverything(caller)) return { sql: 'true', params: [] };
  const me = `$${firstParam}`;
  const teams = `$${firstParam + 1}`;
  return {
    sql: `(c.assignee_id = ${me} OR (c.assignee_id IS NULL AND (c.team IS NULL OR lower(c.team) = ANY(${teams}))))`,
    params: [caller.id, caller.teams.map((team) => team.toLowerCase())],
  };
}

/** The socket.io rooms a connected person joins; with `audienceRooms` they implement the rule. */
export function roomsOf(caller: Principal): string[] {
  const rooms = [`user:${caller.id}`];
  if (seesEverything(caller)) rooms.push('supervisors');
  else rooms.push('agents', ...caller.teams.map((team) => `team:${team.toLowerCase()}`));
  if (caller.sessionId) rooms.push(`session:${caller.sessionId}`);
  if (caller.tokenId) rooms.push(`token:${caller.tokenId}`);
  return rooms;
}

/** The rooms that must hear about a conversation; socket.io sends each socket one copy. */
export function audienceRooms(conversation: Audience): string[] {
  if (conversation.assigneeId !== null) return ['supervisors', `user:${conversation.assigneeId}`];
  if (conversation.team !== null) return ['supervisors', `team:${conversation.team.toLowerCase()}`];
  return ['supervisors', 'agents'];
}

/** Rooms that grant sight of conversations (role and team), as opposed to a socket's own rooms. */
export function isAudienceRoom(room: string): boolean {
  return room === 'supervisors' || room === 'agents' || room.startsWith('team:');
}

/**
 * Whether a socket in these rooms may see the conversation: the rule above read from the rooms. The
 * rooms follow a role or team change on every hub process; a socket's copy of its principal on
 * another process does not.
 */
export function roomsSee(rooms: ReadonlySet<string>, conversation: Audience): boolean {
  return audienceRooms(conversation).some((room) => rooms.has(room));
}

/** Whether two audiences are the same people (team names compare case-insensitively, as rooms do). */
export function sameAudience(a: Audience, b: Audience): boolean {
  return a.assigneeId === b.assigneeId && (a.team?.toLowerCase() ?? null) === (b.team?.toLowerCase() ?? null);
}
