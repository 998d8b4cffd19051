import type { Namespace, Server } from 'socket.io';
import type { DataSource } from 'typeorm';
import { z } from 'zod';
import type { ApiTokenStore } from '../auth/api-token-store';
import type { Principal } from '../auth/principal';
import type { SessionStore } from '../auth/session-store';
import type { EventBus, HubEvents, MessageView } from '../core/events';
import type { Logger } from '../logger';
import { ConversationStore } from '../store/conversations/conversation-store';
import { audienceRooms, isAudienceRoom, roomsOf, roomsSee, sameAudience, type Audience } from './access';
import type { InboxQueries } from './inbox-queries';
import type { InboxClientEvents, InboxServerEvents, PresenceEntry } from './realtime-events';
import { authenticateHandshake } from './socket-auth';

interface SocketData {
  principal: Principal;
}
type InboxNamespace = Namespace<InboxClientEvents, InboxServerEvents, Record<string, never>, SocketData>;

const typingSchema = z.object({ conversationId: z.uuid(), typing: z.boolean() });
/** Presence changes are coalesced: 200 agents connecting at once send a handful of updates, not 200². */
const PRESENCE_DEBOUNCE_MS = 150;

/**
 * The live inbox on the socket.io namespace `/inbox`. Each socket joins rooms for its user, role
 * and teams (access.ts); every event goes to the rooms of the conversation's audience, so an agent
 * only ever receives what the REST API would show them. Room fan-out works unchanged across
 * processes with a socket.io cluster adapter.
 */
export class InboxRealtime {
  private namespace?: InboxNamespace;
  private presenceTimer?: NodeJS.Timeout;
  /**
   * The tail of each conversation's emissions. Every event reads the conversation's summary
   * before it is sent; two messages a moment apart would otherwise race, and the older summary
   * (a stale last-message preview) could reach agents after the newer one.
   */
  private readonly inOrder = new Map<string, Promise<void>>();
  private readonly conversations: ConversationStore;

  constructor(
    private readonly deps: {
      dataSource: DataSource;
      bus: EventBus;
      queries: InboxQueries;
      sessions: SessionStore;
      tokens: ApiTokenStore;
      log: Logger;
      publicUrl?: string;
      /** Agents may be connected to other hub processes (a socket.io adapter is in use). */
      clustered?: boolean;
      /** Whether this process reaches its database now (src/lifecycle/database-watch.ts). */
      databaseAvailable?: () => boolean;
    },
  ) {
    this.conversations = new ConversationStore(deps.dataSource, deps.bus);
  }

  /**
   * No agent can hear an event: none is connected here, and there are no other processes to
   * reach. Then the summary query an event costs is skipped (it is per inbound message).
   */
  private nobodyListening(): boolean {
    return !this.deps.clustered && (this.namespace?.sockets.size ?? 0) === 0;
  }

  attach(io: Server): void {
    const namespace = io.of('/inbox') as unknown as InboxNamespace;
    this.namespace = namespace;
    const { sessions, tokens, publicUrl } = this.deps;

    namespace.use((socket, next) => {
      authenticateHandshake(socket.handshake, sessions, tokens, publicUrl).then(
        (result) => {
          if (!result.ok) return next(Object.assign(new Error(result.error.message), { data: result.error }));
          socket.data.principal = result.principal;
          next();
        },
        (error: unknown) => next(error instanceof Error ? error : new Error('handshake failed')),
      );
    });

    namespace.on('connection', (socket) => {
      const caller = socket.data.principal;
      void socket.join(roomsOf(caller));
      this.schedulePresence();
      if (this.deps.databaseAvailable?.() === false) socket.emit('hub.database', { available: false });
      socket.on('typing', async (payload) => {
        const parsed = typingSchema.safeParse(payload);
        if (!parsed.success) return;
        // Checked against the socket's rooms, which follow a role or team change (regroup).
        const audience = await this.audienceOf(parsed.data.conversationId).catch(() => null);
        if (!audience || !roomsSee(socket.rooms, audience)) return;
        this.deps.bus.publish('typing.changed', { ...parsed.data, who: 'agent', userId: caller.id, name: caller.name });
      });
      socket.on('disconnect', () => this.schedulePresence());
    });
    this.listen();
  }

  /**
   * Tells the conversation's audience the bot handed over, then sends the conversation, which
   * carries the handoff once it is recorded (the caller records it first).
   */
  async handedOff(event: HubEvents['conversation.handoff']): Promise<void> {
    const audience = await this.audienceOf(event.conversation.id);
    if (!audience) return;
    this.to(audience).emit('conversation.handoff', {
      conversationId: event.conversation.id,
      reason: event.reason,
      summary: event.summary,
    });
    await this.conversationUpdated(event.conversation.id);
  }

  /** Those who could see a conversation before a reassignment, and no longer can, drop it. */
  audienceChanged(conversationId: string, previous: Audience, next: Audience): void {
    this.namespace
      ?.to(audienceRooms(previous))
      .except(audienceRooms(next))
      .emit('conversation.removed', { conversationId });
  }

  /** Re-sends conversations whose data changed outside the usual events (a contact merge). */
  async refresh(conversationIds: string[]): Promise<void> {
    for (const id of conversationIds) await this.conversationUpdated(id);
  }

  close(): void {
    clearTimeout(this.presenceTimer);
  }

  private listen(): void {
    const { bus } = this.deps;
    bus.on('message.received', (event) => this.messageCreated(event.message, event.isNewConversation));
    bus.on('message.created', (event) => this.messageCreated(event.message, false));
    bus.on('message.status', async ({ audience: known, ...event }) => {
      if (this.nobodyListening()) return;
      const audience = known ?? (await this.audienceOf(event.conversationId));
      if (audience) this.to(audience).emit('message.status', event);
    });
    bus.on('conversation.updated', ({ conversation, previous }) => {
      if (previous && !sameAudience(previous, conversation))
        this.audienceChanged(conversation.id, previous, conversation);
      return this.conversationUpdated(conversation.id);
    });
    bus.on('typing.changed', async (event) => {
      const audience = await this.audienceOf(event.conversationId);
      if (audience) this.to(audience).emit('typing', event);
    });
    bus.on('access.revoked', (event) => {
      const rooms = event.wholeUser
        ? [`user:${event.userId}`]
        : [...event.sessionIds.map((id) => `session:${id}`), ...event.tokenIds.map((id) => `token:${id}`)];
      if (rooms.length > 0) this.namespace?.in(rooms).disconnectSockets(true);
    });
    bus.on('access.changed', (event) => this.regroup(event));
    // Each process watches its own database connection and tells its own sockets: through a
    // PostgreSQL socket adapter, a broadcast would need the very database that is away.
    bus.on('database.changed', ({ available }) => {
      this.namespace?.local.emit('hub.database', { available });
    });
    bus.on('conversation.read', async ({ conversationId, userId }) => {
      const conversation = await this.deps.queries.find(conversationId, undefined, userId);
      if (!conversation) return;
      this.namespace
        ?.to(`user:${userId}`)
        .emit('conversation.read', { conversationId, unreadCount: conversation.unreadCount });
    });
  }

  /**
   * A person's role or teams changed: each of their live sockets, on whichever hub process it
   * is connected, leaves the rooms it no longer belongs to and joins the new ones before the
   * next event is sent, then hears `access.changed` so the UI refetches what it may now see.
   */
  private async regroup({ userId, role, teams }: HubEvents['access.changed']): Promise<void> {
    if (!this.namespace) return;
    for (const socket of await this.namespace.in(`user:${userId}`).fetchSockets()) {
      const principal: Principal = { ...socket.data.principal, role, teams };
      const wanted = roomsOf(principal);
      for (const room of socket.rooms) if (isAudienceRoom(room) && !wanted.includes(room)) socket.leave(room);
      socket.join(wanted);
      // On another process this changes only a copy: access checks read the rooms, not the principal.
      socket.data.principal = principal;
      socket.emit('access.changed', { role, teams });
    }
  }

  private messageCreated(message: MessageView, isNewConversation: boolean): Promise<void> {
    if (this.nobodyListening()) return Promise.resolve();
    return this.serially(message.conversationId, async () => {
      const conversation = await this.deps.queries.find(message.conversationId);
      if (!conversation) return;
      const target = this.to(conversation);
      if (isNewConversation) target.emit('conversation.created', conversation);
      target.emit('message.created', { message, conversation });
    });
  }

  private conversationUpdated(conversationId: string): Promise<void> {
    if (this.nobodyListening()) return Promise.resolve();
    return this.serially(conversationId, async () => {
      const conversation = await this.deps.queries.find(conversationId);
      if (conversation) this.to(conversation).emit('conversation.updated', conversation);
    });
  }

  /** Runs `emit` after every earlier emission for the same conversation has been sent. */
  private serially(conversationId: string, emit: () => Promise<void>): Promise<void> {
    const previous = this.inOrder.get(conversationId) ?? Promise.resolve();
    const next = previous.then(emit);
    const tail = next.catch(() => undefined);
    this.inOrder.set(conversationId, tail);
    void tail.then(() => {
      if (this.inOrder.get(conversationId) === tail) this.inOrder.delete(conversationId);
    });
    return next;
  }

  private audienceOf(conversationId: string): Promise<Audience | null> {
    return this.conversations.audienceOf(conversationId);
  }

  private to(audience: Audience) {
    if (!this.namespace) throw new Error('InboxRealtime is not attached');
    return this.namespace.to(audienceRooms(audience));
  }

  private schedulePresence(): void {
    if (this.presenceTimer) return;
    this.presenceTimer = setTimeout(() => {
      this.presenceTimer = undefined;
      void this.broadcastPresence().catch((error: unknown) => this.deps.log.warn({ err: error }, 'presence failed'));
    }, PRESENCE_DEBOUNCE_MS);
  }

  /** Everyone online, from the sockets themselves (so it holds across processes with an adapter). */
  private async broadcastPresence(): Promise<void> {
    if (!this.namespace) return;
    const sockets = await this.namespace.fetchSockets();
    const online = new Map<string, PresenceEntry>();
    for (const socket of sockets) {
      const { id, name } = socket.data.principal;
      online.set(id, { userId: id, name, online: true });
    }
    this.namespace.emit('presence.changed', { users: [...online.values()] });
  }
}
