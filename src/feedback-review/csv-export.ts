import type { Writable } from 'node:stream';
import type { DataSource } from 'typeorm';
import type { FeedbackItem } from '../store/feedback/feedback-item';
import { FeedbackReadStore } from '../store/feedback/feedback-read-store';
import type { FeedbackFilter, FeedbackViewer } from './filters';

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
 * memory stays flat whatever the size and the client sees rows as they are read. The first batch
 * is read before the first byte goes out (and before `begin`, where the caller sets its headers):
 * whatever the filters make the database refuse is a clear error, not a 200 with a header only.
 */
export async function streamFeedbackCsv(
  dataSource: DataSource,
  filter: FeedbackFilter,
  viewer: FeedbackViewer,
  out: Writable,
  options: { batchSize?: number; begin?: () => void } = {},
): Promise<number> {
  const batchSize = options.batchSize ?? 2000;
  const write = (chunk: string) =>
    new Promise<void>((resolve, reject) => {
      if (out.write(chunk)) resolve();
      else {
        out.once('drain', resolve);
        out.once('error', reject);
      }
    });
  const store = new FeedbackReadStore(dataSource);
  let rows = await store.page(filter, viewer, null, batchSize);
  options.begin?.();
  await write(`${COLUMNS.map(([name]) => name).join(',')}\r\n`);
  let written = 0;
  while (rows.length > 0) {
    await write(rows.map(({ item }) => `${COLUMNS.map(([, get]) => csvField(get(item))).join(',')}\r\n`).join(''));
    written += rows.length;
    if (rows.length < batchSize) break;
    rows = await store.page(filter, viewer, rows[rows.length - 1].position, batchSize);
  }
  return written;
}
