import { io, type Socket } from 'socket.io-client';
import type {
  HistoryAck,
  MessageAck,
  SessionPayload,
  VisitorMessageInput,
  WebchatClientEvents,
  WebchatMessage,
  WebchatServerEvents,
} from '../../channels/webchat/protocol';

export type VisitorSocket = Socket<WebchatServerEvents, WebchatClientEvents>;

/** A web chat visitor driving the real socket.io client, as the widget does. */
export class Visitor {
  readonly received: WebchatMessage[] = [];
  session: SessionPayload | null = null;
  private constructor(readonly socket: VisitorSocket) {
    socket.on('message', (message) => this.received.push(message));
    socket.on('session', (session) => (this.session = session));
  }

  /** Connects and waits for the first `session`. */
  static async connect(hubUrl: string, token?: string): Promise<Visitor> {
    const socket: VisitorSocket = io(`${hubUrl}/webchat`, {
      auth: token ? { token } : {},
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
    });
    const visitor = new Visitor(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('session', () => resolve());
      socket.once('connect_error', reject);
    });
    return visitor;
  }

  send(input: VisitorMessageInput | unknown): Promise<MessageAck> {
    return new Promise((resolve) => this.socket.emit('message', input as VisitorMessageInput, resolve));
  }

  /** Emits a message the way a careless client might: without an acknowledgement callback. */
  sendWithoutAck(input: unknown): void {
    (this.socket as unknown as Socket).emit('message', input);
  }

  history(query: { before?: string; limit?: number } = {}): Promise<HistoryAck> {
    return new Promise((resolve) => this.socket.emit('history', query, resolve));
  }

  /** Resolves with the next `session` the server emits. */
  nextSession(): Promise<SessionPayload> {
    return new Promise((resolve) => this.socket.once('session', resolve));
  }

  async waitForMessages(count: number, timeoutMs = 5_000): Promise<WebchatMessage[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length < count) {
      if (Date.now() > deadline) throw new Error(`expected ${count} messages, got ${this.received.length}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return this.received;
  }

  close(): void {
    this.socket.disconnect();
  }
}

/** The error a refused handshake produces, as the widget sees it. */
export function connectError(
  hubUrl: string,
  auth: Record<string, unknown>,
): Promise<Error & { data?: { code: string } }> {
  const socket: VisitorSocket = io(`${hubUrl}/webchat`, {
    auth,
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
  return new Promise((resolve, reject) => {
    socket.once('connect_error', (error) => {
      socket.disconnect();
      resolve(error as Error & { data?: { code: string } });
    });
    socket.once('connect', () => {
      socket.disconnect();
      reject(new Error('the hub accepted the connection'));
    });
  });
}
