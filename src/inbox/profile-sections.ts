import type { DataSource } from 'typeorm';
import type { SqlPredicate } from '../store/contacts/contact-directory-store';
import { profileSectionRows, type ProfileSectionKey } from '../store/contacts/profile-section-rows';
import { ContactEventStore } from '../store/events/contact-event-store';

/**
 * An extension point of the contact profile: another part of the hub (consent, flows, feedback)
 * adds what it knows about a contact. `load` returns plain JSON rows, newest first, and must show
 * only data of conversations the caller may see: `visible` is the inbox's access rule
 * (src/inbox/access.ts `visibleTo`) as a predicate over the conversation alias `c`, its
 * parameters numbered from `firstParam`.
 */
export interface ProfileSection {
  key: string;
  load(
    dataSource: DataSource,
    contactId: string,
    visible: (firstParam: number) => SqlPredicate,
  ): Promise<Record<string, unknown>[]>;
}

/** A section the contacts store reads (profile-section-rows.ts). */
function storedSection(key: ProfileSectionKey): ProfileSection {
  return {
    key,
    load: (dataSource, contactId, visible) => profileSectionRows(dataSource, key, contactId, visible),
  };
}

/** The sections every hub has: consent, flow answers, feedback and the shop's events. */
export const DEFAULT_PROFILE_SECTIONS: ProfileSection[] = [
  storedSection('consents'),
  storedSection('flowAnswers'),
  storedSection('feedback'),
  {
    // What the shop reported (order.placed, …): about the person, not a conversation.
    key: 'events',
    load: async (dataSource, contactId) =>
      (await new ContactEventStore(dataSource).recent(contactId, 50)).map((event) => ({ ...event })),
  },
];
