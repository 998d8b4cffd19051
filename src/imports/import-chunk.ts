import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { ConsentImportStore, CurrentConsent } from '../store/contacts/consent-import-store';
import type { ContactImportStore, ImportedProfile } from '../store/imports/contact-import-store';
import { rolledBack } from '../store/imports/rolled-back';
import type { ChunkCounts } from '../store/imports/import-job-store';
import type { CheckedChunk } from './checked-chunk';
import type { ImportColumn } from './import-fields';
import type { ImportChannel, ImportRecord } from './import-record';
import { PhaseTimer } from './phase-timer';
import { mergeDuplicates, mergeGroup, type MergedRecord } from './merge-records';

export interface ChunkJob {
  id: string;
  dryRun: boolean;
  defaultRegion: string;
  columns: ImportColumn[];
}

export interface ChunkOutcome {
  counts: ChunkCounts;
  errors: { rowNumber: number; error: string }[];
  /** Consents whose status this chunk changed (news for the bus, once committed). */
  consentChanges: { contactId: string; channel: ImportChannel; status: 'opted_in' | 'opted_out'; source: string }[];
}

/** Sources of an opt-out the customer said themselves: a STOP keyword, or the carrier reporting one. */
const CUSTOMER_OPT_OUT = /^(keyword|provider|twilio):/;

/**
 * One chunk of an import, set-based, in the caller's transaction, from its rows read and checked
 * (checkChunk): erased people refused, duplicates merged, contacts matched (external id, phone, email), new ones
 * inserted and changed ones updated in one statement each, consents recorded with evidence.
 * A dry run does all of it and rolls the writes back to a savepoint, so its counts are real.
 */
export async function importChunk(
  tx: EntityManager,
  job: ChunkJob,
  checked: CheckedChunk,
  stores: { contacts: ContactImportStore; consents: ConsentImportStore },
  timer: PhaseTimer = new PhaseTimer(),
): Promise<ChunkOutcome> {
  const errors = [...checked.errors];
  const living = await refuseErased(tx, checked, stores.contacts, errors);
  timer.mark('tombstones');
  const groups = mergeDuplicates(living);
  timer.mark('merge in file');
  const matches = await stores.contacts.match(
    tx,
    groups.map((group, index) => ({ index, externalId: group.externalId, phone: group.phone, email: group.email })),
  );
  timer.mark('match');
  // Two groups of the file that turn out to be one stored contact are one person too.
  const byContact = new Map<string, MergedRecord[]>();
  const fresh: MergedRecord[] = [];
  groups.forEach((group, index) => {
    const contactId = matches.get(index);
    if (!contactId) return fresh.push(group);
    byContact.set(contactId, [...(byContact.get(contactId) ?? []), group]);
  });
  const matched = new Map([...byContact].map(([contactId, list]) => [contactId, mergeGroup(list)]));

  const current = await stores.consents.current(tx, [...matched.keys()]);
  timer.mark('current consents');
  for (const [contactId, record] of matched) {
    const refusal = optInRefusal(record, contactId, current);
    if (!refusal) continue;
    matched.delete(contactId);
    for (const rowNumber of record.rowNumbers) errors.push({ rowNumber, error: refusal });
  }

  const write = async () => {
    const created = fresh.map((record) => profileOf(randomUUID(), record));
    await stores.contacts.insert(tx, created);
    timer.mark('insert contacts');
    const changed = await stores.contacts.update(
      tx,
      [...matched].map(([contactId, record]) => profileOf(contactId, record)),
    );
    timer.mark('update contacts');
    const decisions = [...created.map((profile, index) => [profile.id, fresh[index]] as const), ...matched].flatMap(
      ([contactId, record]) =>
        (Object.entries(record.consents) as [ImportChannel, MergedRecord['consents'][ImportChannel]][]).map(
          ([channel, consent]) => ({
            contactId,
            channel,
            status: consent!.status,
            source: consent!.source ?? 'import',
            at: consent!.at,
          }),
        ),
    );
    const consentChanges = (await stores.consents.record(
      tx,
      decisions,
      `import:${job.id}`,
    )) as ChunkOutcome['consentChanges'];
    timer.mark('record consents');
    return { created, changed, consentChanges };
  };
  const { changed, consentChanges } = job.dryRun ? await rolledBack(tx, write) : await write();

  for (const change of consentChanges) changed.add(change.contactId);
  const groupsKept = [...fresh, ...matched.values()];
  const counts: ChunkCounts = {
    created: fresh.length,
    updated: [...matched.keys()].filter((id) => changed.has(id)).length,
    unchanged: [...matched.keys()].filter((id) => !changed.has(id)).length,
    merged: groupsKept.reduce((sum, record) => sum + record.rowNumbers.length - 1, 0),
    failed: errors.length,
  };
  return { counts, errors, consentChanges: job.dryRun ? [] : consentChanges };
}

/**
 * Rows of people who were erased (GDPR art. 17) are refused: the tombstone keeps a hash of each
 * address they had, and an import must not bring them back without new consent given directly.
 */
async function refuseErased(
  tx: EntityManager,
  checked: CheckedChunk,
  contacts: ContactImportStore,
  errors: { rowNumber: number; error: string }[],
): Promise<ImportRecord[]> {
  const erased = await contacts.tombstoned(tx, checked.addresses.flat());
  if (!erased.size) return checked.records;
  return checked.records.filter((record, index) => {
    const hit = checked.addresses[index].find((address) => erased.has(`${address.kind}:${address.hash}`));
    if (hit)
      errors.push({
        rowNumber: record.rowNumber,
        error: `${hit.kind}: this person was erased at their request; an import does not bring them back`,
      });
    return !hit;
  });
}

/** Why an imported opt-in cannot be recorded for this contact, or null: an opt-out is never overwritten. */
function optInRefusal(record: MergedRecord, contactId: string, current: CurrentConsent[]): string | null {
  for (const channel of ['sms', 'whatsapp'] as const) {
    if (record.consents[channel]?.status !== 'opted_in') continue;
    const stored = current.find((consent) => consent.contactId === contactId && consent.channel === channel);
    if (stored?.status !== 'opted_out') continue;
    return CUSTOMER_OPT_OUT.test(stored.source)
      ? `${channel}_consent: the customer opted out themselves (${stored.source}); an import cannot opt them back in`
      : `${channel}_consent: the contact has opted out (${stored.source}); an import never overwrites an opt-out`;
  }
  return null;
}

function profileOf(id: string, record: MergedRecord): ImportedProfile {
  return {
    id,
    externalId: record.externalId,
    phone: record.phone,
    email: record.email,
    firstName: record.firstName,
    lastName: record.lastName,
    displayName: record.displayName,
    timeZone: record.timeZone,
    locale: record.locale,
    birthday: record.birthday,
    tags: record.tags,
    attributes: record.attributes,
  };
}
