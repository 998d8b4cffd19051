/**
 * PostgreSQL text and jsonb cannot hold the NUL character (U+0000): a value with one makes the
 * whole statement fail. In a customer's words it means nothing (a stray byte from a handset or
 * a bad client), so the hub drops it rather than lose the message.
 */
const NUL = '\u0000';

export const withoutNul = (text: string): string => (text.includes(NUL) ? text.replaceAll(NUL, '') : text);

export const hasNul = (text: string): boolean => text.includes(NUL);

/** A JSON value with NUL dropped from every string and key, at any depth. */
export function jsonWithoutNul<T>(value: T): T {
  if (typeof value === 'string') return withoutNul(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => jsonWithoutNul(item)) as T;
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([key, item]) => [withoutNul(key), jsonWithoutNul(item)]),
    ) as T;
  }
  return value;
}
