import type { Writable } from 'node:stream';
import type { DataSource } from 'typeorm';
import { FEEDBACK_SELECT, toFeedbackItem, type FeedbackItem, type FeedbackRow } from './feedback-list';
import { feedbackWhere, type FeedbackFilter, type FeedbackViewer } from './filters';

const COLUMNS: [string, (item: FeedbackItem) => unknown][] = [
  ['id', (item) => item.id],
  ['created_at', (item) => item.createdAt],
  ['kind', (item) => item.kind],
  ['score', (item) => item.score],
  ['comment', (item) => item.comment],
  ['sentiment_label', (item) => item.sentiment.label],
  ['sentiment_score', (item) => item.sentiment.score],
  ['channel', (item) => item.channel],
  ['flow_id', (item) => item.flowId],
  ['variant', (item) => item.variant],
  ['contact_id', (item) => item.contact.id],
  ['contact_name', (item) => item.contact.name],
  ['agent_name', (item) => item.agent?.name],
  ['conversation_id', (item) => item.conversationId],
  ['tags', (item) => item.tags.join(';')],
  ['reviewed_at', (item) => item.reviewedAt],
  ['follow_up', (item) => item.followUp?.name],
];

/**
 * One CSV field: quoted when it needs to be, and a leading = + - @ defused so a spreadsheet
 * never runs a customer's comment as a formula.
 */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (/^[=+\-@\t\r]/.test(text) && typeof value === 'string') text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * Streams every feedback record matching the filters as CSV: the whole set, in keyset batches, so
 * memory stays flat whatever the size and the client sees rows as they are read.
 */
export async function streamFeedbackCsv(
  dataSource: DataSource,
  filter: FeedbackFilter,
  viewer: FeedbackViewer,
  out: Writable,
  batchSize = 2000,
): Promise<number> {
  const write = (chunk: string) =>
    new Promise<void>((resolve, reject) => {
      if (out.write(chunk)) resolve();
      else {
        out.once('drain', resolve);
        out.once('error', reject);
      }
    });
  await write(`${COLUMNS.map(([name]) => name).join(',')}\r\n`);
  const where = feedbackWhere(filter, viewer);
  let after: [string, string] | null = null;
  let written = 0;
  for (;;) {
    const params = [...where.params];
    let keyset = '';
    if (after) {
      params.push(after[0], after[1]);
      keyset = ` AND (f.created_at, f.id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`;
    }
    params.push(batchSize);
    const rows: FeedbackRow[] = await dataSource.query(
      `${FEEDBACK_SELECT} WHERE ${where.sql}${keyset} ORDER BY f.created_at DESC, f.id DESC LIMIT $${params.length}`,
      params,
    );
    if (rows.length === 0) break;
    const items = rows.map(toFeedbackItem);
    await write(
      items.map((item: FeedbackItem) => `${COLUMNS.map(([, get]) => csvField(get(item))).join(',')}\r\n`).join(''),
    );
    written += items.length;
    if (rows.length < batchSize) break;
    const last = rows[rows.length - 1];
    after = [last.cursor_at, last.id];
  }
  return written;
}
