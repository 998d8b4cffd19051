import { io, type Socket } from 'socket.io-client';
import type {
  InboxClientEvents,
  InboxConversation,
  InboxMessage,
  InboxServerEvents,
  InboxUser,
  Page,
} from '../../inbox/realtime-events';
import { call } from './api';
import {
  initialState,
  matchesFilters,
  sortedMessages,
  type CannedResponse,
  type ContactProfile,
  type State,
} from './state';

/** The API's largest page of messages. */
const MAX_PAGE = 200;

export interface Views {
  list(): void;
  thread(options?: { scroll?: boolean }): void;
  messageStatus(message: InboxMessage): void;
  contact(): void;
  chrome(): void;
}

type InboxSocket = Socket<InboxServerEvents, InboxClientEvents>;

/**
 * The inbox's brain: loads from the API, follows the live socket, and tells the views what to
 * redraw. After a reconnect it refetches the list, the open conversation and its latest messages,
 * so nothing that happened while offline is missed (new messages, ticks, a handoff) and nothing
 * is shown twice (messages are keyed by id).
 */
export class Controller {
  readonly state: State;
  private socket?: InboxSocket;
  private views?: Views;
  private typingTimer?: number;
  private typingSent = false;

  constructor(me: InboxUser) {
    this.state = initialState(me);
  }

  async start(views: Views): Promise<void> {
    this.views = views;
    const [users, canned] = await Promise.all([
      call<{ users: (InboxUser & { active: boolean })[] }>('GET', '/users'),
      call<{ items: CannedResponse[] }>('GET', '/canned-responses'),
    ]);
    this.state.users = users.users.filter((user) => user.active);
    this.state.canned = canned.items;
    await this.reloadList();
    this.connect();
  }

  stop(): void {
    this.socket?.close();
  }

  async reloadList(): Promise<void> {
    const page = await call<Page<InboxConversation>>('GET', `/conversations?${this.listQueryString()}`);
    this.state.conversations = new Map(page.items.map((c) => [c.id, c]));
    if (this.state.selectedId) {
      const selected = await this.fetchConversation(this.state.selectedId);
      if (selected) this.state.conversations.set(selected.id, selected);
    }
    this.state.nextCursor = page.nextCursor;
    this.views?.list();
  }

  async loadMore(): Promise<void> {
    if (!this.state.nextCursor) return;
    const page = await call<Page<InboxConversation>>(
      'GET',
      `/conversations?${this.listQueryString()}&cursor=${encodeURIComponent(this.state.nextCursor)}`,
    );
    for (const conversation of page.items) this.state.conversations.set(conversation.id, conversation);
    this.state.nextCursor = page.nextCursor;
    this.views?.list();
  }

  async select(conversationId: string): Promise<void> {
    const state = this.state;
    this.stopTyping();
    state.selectedId = conversationId;
    state.messages = new Map();
    state.contact = null;
    state.view = 'thread';
    this.views?.chrome();
    this.views?.list();
    const page = await call<Page<InboxMessage>>('GET', `/conversations/${conversationId}/messages?limit=50`);
    if (state.selectedId !== conversationId) return;
    for (const message of page.items) state.messages.set(message.id, message);
    state.olderCursor = page.nextCursor;
    this.views?.thread({ scroll: true });
    const conversation = await this.markRead(conversationId);
    state.contact = await call<ContactProfile>('GET', `/contacts/${conversation.contactId}`);
    this.views?.contact();
  }

  async loadOlder(): Promise<void> {
    const { selectedId, olderCursor } = this.state;
    if (!selectedId || !olderCursor) return;
    const page = await call<Page<InboxMessage>>(
      'GET',
      `/conversations/${selectedId}/messages?limit=50&before=${olderCursor}`,
    );
    for (const message of page.items) this.state.messages.set(message.id, message);
    this.state.olderCursor = page.nextCursor;
    this.views?.thread();
  }

  selected(): InboxConversation | undefined {
    return this.state.selectedId ? this.state.conversations.get(this.state.selectedId) : undefined;
  }

  async send(text: string): Promise<void> {
    const id = this.state.selectedId;
    if (!id || !text.trim()) return;
    this.stopTyping();
    const message = await call<InboxMessage>('POST', `/conversations/${id}/messages`, {
      text,
      private: this.state.composerMode === 'note',
    });
    this.addMessage(message);
  }

  async assign(assigneeId: string | null): Promise<void> {
    const id = this.state.selectedId;
    if (id) this.upsert(await call<InboxConversation>('POST', `/conversations/${id}/assignment`, { assigneeId }));
  }

  async setStatus(status: InboxConversation['status']): Promise<void> {
    const id = this.state.selectedId;
    if (id) this.upsert(await call<InboxConversation>('POST', `/conversations/${id}/status`, { status }));
  }

  async setLabels(labels: string[]): Promise<void> {
    const id = this.state.selectedId;
    if (id) this.upsert(await call<InboxConversation>('PUT', `/conversations/${id}/labels`, { labels }));
  }

  async saveContact(changes: Record<string, unknown>): Promise<void> {
    const contact = this.state.contact;
    if (!contact) return;
    this.state.contact = await call<ContactProfile>('PATCH', `/contacts/${contact.id}`, changes);
    this.views?.contact();
  }

  /** Tells the customer (and colleagues) that I am typing; notes are never announced. */
  typing(): void {
    const id = this.state.selectedId;
    if (!id || this.state.composerMode === 'note') return;
    if (!this.typingSent) this.socket?.emit('typing', { conversationId: id, typing: true });
    this.typingSent = true;
    window.clearTimeout(this.typingTimer);
    this.typingTimer = window.setTimeout(() => this.stopTyping(), 2000);
  }

  stopTyping(): void {
    window.clearTimeout(this.typingTimer);
    if (this.typingSent && this.state.selectedId) {
      this.socket?.emit('typing', { conversationId: this.state.selectedId, typing: false });
    }
    this.typingSent = false;
  }

  private connect(): void {
    const socket: InboxSocket = io('/inbox', { withCredentials: true, transports: ['websocket', 'polling'] });
    this.socket = socket;
    let connectedBefore = false;
    socket.on('connect', () => {
      this.state.online = true;
      this.views?.chrome();
      if (connectedBefore) void this.catchUp();
      connectedBefore = true;
    });
    socket.on('disconnect', () => {
      this.state.online = false;
      this.views?.chrome();
    });
    // The hub lost its database: shown as reconnecting, and what was missed is fetched on return.
    socket.on('hub.database', ({ available }) => {
      const returned = available && !this.state.databaseAvailable;
      this.state.databaseAvailable = available;
      this.views?.chrome();
      if (returned) void this.catchUp();
    });
    socket.on('presence.changed', ({ users }) => {
      this.state.presence = users;
      this.views?.chrome();
    });
    // An admin changed my role or teams: what I may see changed, so it is fetched afresh.
    socket.on('access.changed', ({ role, teams }) => {
      this.state.me = { ...this.state.me, role, teams };
      this.views?.chrome();
      void this.catchUp();
    });
    socket.on('conversation.created', (conversation) => {
      // Its first message follows at once, and counts as unread then.
      if (!this.state.conversations.has(conversation.id)) this.upsert({ ...conversation, unreadCount: 0 });
    });
    socket.on('conversation.updated', (conversation) => this.upsertLive(conversation));
    socket.on('conversation.read', ({ conversationId, unreadCount }) => {
      const known = this.state.conversations.get(conversationId);
      if (known) this.upsert({ ...known, unreadCount });
    });
    socket.on('conversation.removed', ({ conversationId }) => {
      this.state.conversations.delete(conversationId);
      this.views?.list();
    });
    // The banner comes with the conversation (its stored handoff), in the update that follows
    // `conversation.handoff`, in the list and after a reload alike.
    socket.on('message.created', ({ message, conversation }) => {
      this.upsertLive(conversation, message.direction === 'inbound' ? 1 : 0);
      this.state.typing.delete(message.conversationId);
      this.addMessage(message);
      if (message.conversationId === this.state.selectedId && message.direction === 'inbound') {
        void this.markRead(message.conversationId);
      }
    });
    socket.on('message.status', ({ messageId, status, errorCode }) => {
      const message = this.state.messages.get(messageId);
      if (!message) return;
      message.status = status;
      message.errorCode = errorCode;
      this.views?.messageStatus(message);
    });
    socket.on('typing', (event) => {
      if (event.who === 'agent' && event.userId === this.state.me.id) return;
      if (event.typing) {
        const name = event.who === 'contact' ? 'Customer' : (event.name ?? 'A colleague');
        this.state.typing.set(event.conversationId, { name, until: Date.now() + 6000 });
      } else this.state.typing.delete(event.conversationId);
      if (event.conversationId === this.state.selectedId) this.views?.thread();
    });
  }

  /**
   * After a reconnect, or when what I may see changed: everything the socket may have missed.
   * The list and the open conversation afresh (status, assignee, handoff), then the open thread's
   * latest messages, which brings new messages and the ticks of those shown.
   */
  private async catchUp(): Promise<void> {
    await this.reloadList();
    const id = this.state.selectedId;
    if (!id) return;
    if (!this.state.conversations.has(id)) return this.closeThread();
    await this.refreshThread(id);
  }

  private async refreshThread(id: string): Promise<void> {
    const shown = sortedMessages(this.state);
    const newest = shown[shown.length - 1];
    // One page that covers what is shown, so every tick shown can be brought up to date.
    const limit = Math.min(Math.max(shown.length, 50), MAX_PAGE);
    const latest = await call<Page<InboxMessage>>('GET', `/conversations/${id}/messages?limit=${limit}`);
    if (this.state.selectedId !== id) return;
    const gap = newest !== undefined && latest.nextCursor !== null && !latest.items.some((m) => m.id === newest.id);
    if (gap) {
      // More arrived than a page holds: start from the latest page; older ones load on scroll.
      this.state.messages = new Map();
      this.state.olderCursor = latest.nextCursor;
    }
    const unseenInbound = latest.items.some((m) => m.direction === 'inbound' && !this.state.messages.has(m.id));
    for (const message of latest.items) this.state.messages.set(message.id, message);
    this.views?.thread({ scroll: true });
    if (unseenInbound) await this.markRead(id);
  }

  /** The open conversation is no longer mine to see. */
  private closeThread(): void {
    this.stopTyping();
    this.state.selectedId = null;
    this.state.messages = new Map();
    this.state.contact = null;
    this.state.view = 'list';
    this.views?.chrome();
    this.views?.thread();
    this.views?.contact();
  }

  private addMessage(message: InboxMessage): void {
    if (message.conversationId !== this.state.selectedId) return;
    const known = this.state.messages.get(message.id);
    // A later status already seen (a tick that overtook the message) is kept.
    if (known) message.status = known.status === 'queued' ? message.status : known.status;
    this.state.messages.set(message.id, message);
    this.views?.thread({ scroll: true });
  }

  /**
   * A conversation from a live event, sent to a whole team: its unread count is not mine. I keep
   * my own (plus `unread` for a new customer message); one I do not have yet is fetched, with mine.
   */
  private upsertLive(incoming: InboxConversation, unread = 0): void {
    const known = this.state.conversations.get(incoming.id);
    if (known) return this.upsert({ ...incoming, unreadCount: known.unreadCount + unread });
    if (!matchesFilters(this.state, incoming)) return;
    void this.fetchConversation(incoming.id).then((mine) => mine && this.upsert(mine));
  }

  private upsert(incoming: InboxConversation): void {
    const conversation = withNewestMessage(incoming, this.state.conversations.get(incoming.id));
    const isSelected = conversation.id === this.state.selectedId;
    if (matchesFilters(this.state, conversation) || isSelected) {
      this.state.conversations.set(conversation.id, conversation);
    } else this.state.conversations.delete(conversation.id);
    this.views?.list();
    if (isSelected) this.views?.thread();
  }

  /**
   * Marks the conversation read. Of the answer, only how much is unread is taken when the
   * conversation is known: the rest was read when the request ran, and the live events (sent in
   * order) may already have brought a newer state — a bot's handoff committed meanwhile, whose
   * banner that older copy would take away again.
   */
  private async markRead(conversationId: string): Promise<InboxConversation> {
    const answer = await call<InboxConversation>('POST', `/conversations/${conversationId}/read`);
    const known = this.state.conversations.get(conversationId);
    this.upsert(known ? { ...known, unreadCount: answer.unreadCount } : answer);
    return answer;
  }

  private async fetchConversation(id: string): Promise<InboxConversation | null> {
    return call<InboxConversation>('GET', `/conversations/${id}`).catch(() => null);
  }

  private listQueryString(): string {
    const { status, assignee, q } = this.state.filters;
    const params = new URLSearchParams({ status, assignee, limit: '30' });
    if (q.trim()) params.set('q', q.trim());
    return params.toString();
  }
}

/**
 * A summary can arrive after a newer one (an HTTP answer overtaken by a socket event): its
 * last-message preview must not move the list backwards in time.
 */
function withNewestMessage(incoming: InboxConversation, known: InboxConversation | undefined): InboxConversation {
  if (!known?.lastMessageAt || !incoming.lastMessageAt || incoming.lastMessageAt >= known.lastMessageAt) {
    return incoming;
  }
  return { ...incoming, lastMessageAt: known.lastMessageAt, lastMessagePreview: known.lastMessagePreview };
}
