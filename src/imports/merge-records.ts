import type { ImportChannel, ImportRecord } from './import-record';

/** Rows of a file that are one person, merged: the rows it came from, in file order. */
export interface MergedRecord extends ImportRecord {
  rowNumbers: number[];
}

/**
 * Groups rows that share an external id, a phone or an email (transitively: a row with A's phone
 * and B's email joins A and B), and merges each group into one record. Later rows win field by
 * field, tags add up, and an opt-out in any row of the group wins over every opt-in.
 */
export function mergeDuplicates(records: ImportRecord[]): MergedRecord[] {
  const parent = records.map((_, index) => index);
  const root = (index: number): number => {
    while (parent[index] !== index) index = parent[index] = parent[parent[index]];
    return index;
  };
  const firstWithKey = new Map<string, number>();
  records.forEach((record, index) => {
    for (const key of keysOf(record)) {
      const seen = firstWithKey.get(key);
      if (seen === undefined) firstWithKey.set(key, index);
      else parent[root(index)] = root(seen);
    }
  });
  const groups = new Map<number, ImportRecord[]>();
  records.forEach((record, index) => {
    const group = groups.get(root(index));
    if (group) group.push(record);
    else groups.set(root(index), [record]);
  });
  // Most people are in a file once: their record stands as it is (mergeGroup would copy it alike).
  return [...groups.values()].map((group) =>
    group.length === 1 ? { ...group[0], rowNumbers: [group[0].rowNumber] } : mergeGroup(group),
  );
}

/** Merges records known to be one person (file order), as `mergeDuplicates` does within a group. */
export function mergeGroup(records: (ImportRecord | MergedRecord)[]): MergedRecord {
  const sorted = [...records].sort((a, b) => a.rowNumber - b.rowNumber);
  const merged: MergedRecord = { ...sorted[0], tags: [], attributes: {}, consents: {}, rowNumbers: [] };
  for (const record of sorted) {
    merged.rowNumbers.push(...('rowNumbers' in record ? record.rowNumbers : [record.rowNumber]));
    merged.externalId = record.externalId ?? merged.externalId;
    merged.phone = record.phone ?? merged.phone;
    merged.email = record.email ?? merged.email;
    merged.firstName = record.firstName ?? merged.firstName;
    merged.lastName = record.lastName ?? merged.lastName;
    merged.displayName = record.displayName ?? merged.displayName;
    merged.timeZone = record.timeZone ?? merged.timeZone;
    merged.locale = record.locale ?? merged.locale;
    merged.birthday = record.birthday ?? merged.birthday;
    merged.tags = [...new Set([...merged.tags, ...record.tags])];
    Object.assign(merged.attributes, record.attributes);
    for (const channel of Object.keys(record.consents) as ImportChannel[]) {
      const consent = record.consents[channel];
      if (consent && merged.consents[channel]?.status !== 'opted_out') merged.consents[channel] = consent;
    }
  }
  merged.rowNumbers.sort((a, b) => a - b);
  merged.rowNumber = merged.rowNumbers[0];
  return merged;
}

function keysOf(record: ImportRecord): string[] {
  const keys: string[] = [];
  if (record.externalId) keys.push(`external_id:${record.externalId}`);
  if (record.phone) keys.push(`phone:${record.phone}`);
  if (record.email) keys.push(`email:${record.email}`);
  return keys;
}
