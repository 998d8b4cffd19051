import type { InboxUser } from '../../inbox/realtime-events';
import { ApiError } from './api';
import {
  contactsApi,
  directoryQuery,
  type ContactFields,
  type ContactItem,
  type DirectoryFilters,
  type Segment,
} from './contacts-api';
import type { ContactProfile } from './state';

/** Which part of the Contacts tab shows. */
export type ContactsView = 'directory' | 'contact' | 'form' | 'import' | 'segments';

export interface ContactsState {
  me: InboxUser;
  view: ContactsView;
  filters: DirectoryFilters;
  items: ContactItem[];
  nextCursor: string | null;
  loading: boolean;
  error: string | null;
  /** Saved segments for the directory's filter; null until loaded, or where the hub has none. */
  segments: Segment[] | null;
  /** The contact page's profile. */
  contact: ContactProfile | null;
  /** The saved segments the open contact belongs to; null while unknown. */
  memberOf: Segment[] | null;
  /** The form edits this profile; null: a new contact. */
  editing: ContactProfile | null;
}

export interface ContactsViews {
  frame(): void;
  directory(): void;
  contact(): void;
  form(): void;
}

const PAGE = 50;

/**
 * The Contacts tab's brain: the directory under its filters (answers that arrive after a newer
 * request are dropped, so a fast typist never sees a stale page), the contact page, and the
 * create and edit form. The import wizard and the segment builder run on their own.
 */
export class ContactsController {
  readonly state: ContactsState;
  private views?: ContactsViews;
  private started = false;
  private generation = 0;

  constructor(me: InboxUser) {
    this.state = {
      me,
      view: 'directory',
      filters: { q: '', tag: '', segment: '', channel: '', consent: '' },
      items: [],
      nextCursor: null,
      loading: false,
      error: null,
      segments: null,
      contact: null,
      memberOf: null,
      editing: null,
    };
  }

  /** Managers and admins keep the directory: create, import, segments, erase. Agents read it. */
  get manages(): boolean {
    return this.state.me.role !== 'agent';
  }

  attach(views: ContactsViews): void {
    this.views = views;
  }

  /** The first time the tab opens. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await Promise.all([this.reload(), this.loadSegments()]);
  }

  show(view: ContactsView): void {
    this.state.view = view;
    this.state.error = null;
    this.views?.frame();
  }

  async loadSegments(): Promise<void> {
    try {
      this.state.segments = (await contactsApi.segments()).items;
    } catch {
      // A hub without saved segments: the filter stays hidden.
      this.state.segments = null;
    }
    this.views?.directory();
  }

  async reload(): Promise<void> {
    const generation = ++this.generation;
    this.state.loading = true;
    this.state.error = null;
    this.views?.directory();
    const page = await this.guard(contactsApi.page(directoryQuery(this.state.filters, PAGE)));
    if (generation !== this.generation) return;
    this.state.loading = false;
    if (page) {
      this.state.items = page.items;
      this.state.nextCursor = page.nextCursor;
    }
    this.views?.directory();
  }

  async loadMore(): Promise<void> {
    const cursor = this.state.nextCursor;
    if (!cursor) return;
    const generation = this.generation;
    const page = await this.guard(contactsApi.page(directoryQuery(this.state.filters, PAGE, cursor)));
    if (!page || generation !== this.generation) return;
    // Keyset pages do not overlap; a contact shown twice would only come from a changed filter.
    const known = new Set(this.state.items.map((item) => item.id));
    this.state.items.push(...page.items.filter((item) => !known.has(item.id)));
    this.state.nextCursor = page.nextCursor;
    this.views?.directory();
  }

  setFilter(key: keyof DirectoryFilters, value: string): void {
    this.state.filters[key] = value;
    void this.reload();
  }

  async open(id: string): Promise<void> {
    this.state.contact = null;
    this.show('contact');
    this.views?.contact();
    const profile = await this.guard(contactsApi.profile(id));
    if (!profile) return;
    this.state.contact = profile;
    this.state.memberOf = null;
    this.views?.contact();
    await this.findSegments(profile);
  }

  /**
   * The saved segments the contact is in, asked of the directory: the segment's members found
   * by the contact's most specific detail (phone, email, external id, else name), one request
   * per segment. A contact opened again in the meantime wins.
   */
  private async findSegments(profile: ContactProfile): Promise<void> {
    if (this.state.segments === null) await this.loadSegments();
    const segments = this.state.segments ?? [];
    const q = profile.phone ?? profile.email ?? (profile as { externalId?: string | null }).externalId ?? profile.name;
    const member = await Promise.all(
      segments.map(async (segment) => {
        const filters = { q, tag: '', segment: segment.id, channel: '', consent: '' };
        const page = await contactsApi.page(directoryQuery(filters, 200)).catch(() => null);
        return page?.items.some((item) => item.id === profile.id) ?? false;
      }),
    );
    if (this.state.contact?.id !== profile.id) return;
    this.state.memberOf = segments.filter((_, index) => member[index]);
    this.views?.contact();
  }

  edit(profile: ContactProfile | null): void {
    this.state.editing = profile;
    this.show('form');
    this.views?.form();
  }

  /**
   * Creates or changes a contact and opens its page. A refusal is thrown to the form, which
   * shows the hub's message under the field it names.
   */
  async save(fields: ContactFields): Promise<void> {
    const editing = this.state.editing;
    const profile = editing ? await contactsApi.update(editing.id, fields) : await contactsApi.create(fields);
    this.state.contact = profile;
    this.state.editing = null;
    this.state.memberOf = null;
    this.show('contact');
    this.views?.contact();
    void this.reload();
    void this.findSegments(profile);
  }

  /** Erases the open contact (GDPR article 17) and goes back to the directory. */
  async erase(): Promise<void> {
    const contact = this.state.contact;
    if (!contact) return;
    const done = await this.guard(contactsApi.erase(contact.id));
    if (done === null) return;
    this.state.contact = null;
    // The directory shows at once from the page in hand: the erased person must not be on it
    // while the fresh page loads.
    this.state.items = this.state.items.filter((item) => item.id !== contact.id);
    this.show('directory');
    await this.reload();
  }

  /** Failures show in the tab's error line instead of breaking it. */
  private async guard<T>(promise: Promise<T>): Promise<T | null> {
    try {
      return await promise;
    } catch (failure) {
      this.state.loading = false;
      this.state.error = failure instanceof ApiError ? failure.message : 'Could not reach the hub';
      this.views?.frame();
      return null;
    }
  }
}
