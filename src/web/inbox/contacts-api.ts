import { call, callRaw } from './api';
import type { ContactProfile } from './state';

/** The JSON of the hub's /api/contacts, /api/contacts/import… and /api/segments routes, as the browser sees it. */

export type ConsentStatus = 'opted_in' | 'opted_out';

/** One row of the directory. */
export interface ContactItem {
  id: string;
  name: string;
  phone: string | null;
  email: string | null;
  externalId: string | null;
  tags: string[];
  channels: string[];
  /** The recorded consent per channel; a channel absent has none. */
  consents: Record<string, ConsentStatus>;
  lastSeenAt: string | null;
  createdAt: string;
}

export interface ContactPage {
  items: ContactItem[];
  nextCursor: string | null;
}

/** The directory's filters; empty strings mean "any". */
export interface DirectoryFilters {
  q: string;
  tag: string;
  segment: string;
  channel: string;
  consent: string;
}

/** What the create and edit forms send. */
export interface ContactFields {
  firstName?: string | null;
  lastName?: string | null;
  displayName?: string | null;
  email?: string | null;
  phone?: string | null;
  timeZone?: string | null;
  locale?: string | null;
  birthday?: string | null;
  externalId?: string | null;
  tags?: string[];
}

export interface ImportStatus {
  id: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  dryRun: boolean;
  /** Data rows in the file. */
  rows: number;
  processed: number;
  created: number;
  updated: number;
  unchanged: number;
  /** Rows merged into another row of the same file (one person). */
  merged: number;
  failed: number;
  /** processed / rows, 0…1. */
  progress: number;
  error: string | null;
}

/** The hub's reading of a file's beginning: which column fills what, and the first rows. */
export interface ImportPreview {
  delimiter: string;
  /** Each column and what it fills: a field, `attribute:<key>` or `ignore`. */
  columns: { name: string; field: string; type?: string }[];
  /** The same, as `?mapping=` takes it. */
  mapping: Record<string, string>;
  /** The first data rows, fields as in the file. */
  rows: string[][];
}

export interface Segment {
  id: string;
  key: string;
  name: string;
  description?: string | null;
  rules: unknown;
  count?: number;
}

export interface SegmentPreview {
  count: number;
  sample: { id: string; name: string }[];
}

/** The directory's query string: filters that are set, the page size, the cursor. */
export function directoryQuery(filters: DirectoryFilters, limit: number, cursor?: string | null): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) if (value.trim()) params.set(key, value.trim());
  params.set('limit', String(limit));
  if (cursor) params.set('cursor', cursor);
  return params;
}

export const contactsApi = {
  page: (query: URLSearchParams) => call<ContactPage>('GET', `/contacts?${query}`),
  profile: (id: string) => call<ContactProfile>('GET', `/contacts/${id}`),
  create: (fields: ContactFields) => call<ContactProfile>('POST', '/contacts', fields),
  update: (id: string, fields: ContactFields) => call<ContactProfile>('PATCH', `/contacts/${id}`, fields),
  erase: (id: string) => call<Record<string, never>>('DELETE', `/contacts/${id}`),
  exportHref: (id: string) => `/api/contacts/${id}/export`,
  /** Every consent decision with its evidence, oldest first: part of the person's export (managers). */
  consentEvidence: async (id: string) =>
    (await call<{ consentEvidence: Record<string, unknown>[] }>('GET', `/contacts/${id}/export`)).consentEvidence,

  importPreview: (csv: Blob, query: URLSearchParams) =>
    callRaw<ImportPreview>('POST', `/contacts/import/preview?${query}`, csv, 'text/csv'),
  startImport: (csv: Blob, query: URLSearchParams) =>
    callRaw<{ id: string }>('POST', `/contacts/import?${query}`, csv, 'text/csv'),
  importStatus: (id: string) => call<ImportStatus>('GET', `/contacts/imports/${id}`),
  errorsHref: (id: string) => `/api/contacts/imports/${id}/errors.csv`,

  segments: () => call<{ items: Segment[] }>('GET', '/segments'),
  segment: (id: string) => call<Segment>('GET', `/segments/${id}`),
  saveSegment: (segment: { name: string; rules: unknown; key?: string }, id?: string) =>
    id ? call<Segment>('PATCH', `/segments/${id}`, segment) : call<Segment>('POST', '/segments', segment),
  deleteSegment: (id: string) => call<Record<string, never>>('DELETE', `/segments/${id}`),
  previewSegment: (rules: unknown) => call<SegmentPreview>('POST', '/segments/preview', { rules }),
};
