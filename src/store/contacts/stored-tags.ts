/**
 * How a contact's tags are stored, whoever writes them (the API, an import, a flow's `set` step,
 * a merge): trimmed, lower-cased, once each, in their first order. One spelling per tag is what
 * lets every reader compare with plain array containment (`tags @> ARRAY['vip']`) — the
 * directory's filter and a segment's `{ tag: vip }` over a million contacts — instead of
 * lower-casing each contact's tags row by row.
 */
export function storedTags(tags: readonly string[]): string[] {
  return [...new Set(tags.map(storedTag).filter(Boolean))];
}

/** One tag as it is stored (and as a filter or a rule compares it). */
export function storedTag(tag: string): string {
  return tag.trim().toLowerCase();
}
