import type { DataSource } from 'typeorm';
import { profileSectionRows, type ProfileSectionKey } from '../store/contacts/profile-section-rows';

/**
 * An extension point of the contact profile: another part of the hub (consent, flows, feedback)
 * adds what it knows about a contact. `load` returns plain JSON rows, newest first.
 */
export interface ProfileSection {
  key: string;
  load(dataSource: DataSource, contactId: string): Promise<Record<string, unknown>[]>;
}

/** A section the contacts store reads (profile-section-rows.ts). */
function storedSection(key: ProfileSectionKey): ProfileSection {
  return { key, load: (dataSource, contactId) => profileSectionRows(dataSource, key, contactId) };
}

/** The sections every hub has: consent, flow answers and feedback. */
export const DEFAULT_PROFILE_SECTIONS: ProfileSection[] = [
  storedSection('consents'),
  storedSection('flowAnswers'),
  storedSection('feedback'),
];
