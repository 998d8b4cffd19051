import type { MessageView } from '../core/events';
import type { InboxMessage } from './realtime-events';

/** The hub's MessageView must fit the UI's InboxMessage: a mismatch fails the type check here. */
export const asInboxMessage = (message: MessageView): InboxMessage => message;

/** Opaque list cursors: the sort key and id of the last row seen, base64url-encoded. */
export function encodeCursor(sortMicros: string, id: string): string {
  return Buffer.from(`${sortMicros}.${id}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): { sortMicros: string; id: string } | null {
  // At most 18 digits (a bigint holds 19) and a real uuid: a forged cursor is refused, not a failing statement.
  const match = /^(\d{1,18})\.([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i.exec(
    Buffer.from(cursor, 'base64url').toString('utf8'),
  );
  return match ? { sortMicros: match[1], id: match[2] } : null;
}
