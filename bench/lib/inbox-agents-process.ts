/**
 * The clients of bench:inbox in their own process: as many socket.io clients on the hub's
 * /inbox (one API token each) as on the bare baseline server. Records when each
 * `message.created` arrives (wall clock, comparable with the hub's) and hands the receipts back.
 */
import { io as connect, type Socket } from 'socket.io-client';
import { clock } from './processes';

type Receipts = [string, number][];
const send = (message: Record<string, unknown>) => process.send?.(message);
const receipts: { hub: Receipts; bare: Receipts } = { hub: [], bare: [] };
const sockets: Socket[] = [];

async function connectAll(url: string, auths: Record<string, string>[], path: 'hub' | 'bare'): Promise<void> {
  for (let i = 0; i < auths.length; i += 20) {
    await Promise.all(
      auths.slice(i, i + 20).map((auth) => {
        const socket = connect(url, { transports: ['websocket'], forceNew: true, reconnection: false, auth });
        sockets.push(socket);
        socket.on('message.created', (payload: { message: { id: string } }) =>
          receipts[path].push([payload.message.id, clock()]),
        );
        return new Promise<void>((resolve, reject) => {
          socket.once('connect', () => resolve());
          socket.once('connect_error', reject);
        });
      }),
    );
  }
}

process.on('message', (message: { type: string; url?: string; tokens?: string[]; count?: number }) => {
  const run = async () => {
    if (message.type === 'connect-hub') {
      await connectAll(
        message.url!,
        message.tokens!.map((token) => ({ token })),
        'hub',
      );
      send({ type: 'hub-connected' });
    } else if (message.type === 'connect-bare') {
      await connectAll(
        message.url!,
        Array.from({ length: message.count! }, () => ({})),
        'bare',
      );
      send({ type: 'bare-connected' });
    } else if (message.type === 'progress') {
      send({ type: 'progress', hub: receipts.hub.length, bare: receipts.bare.length });
    } else if (message.type === 'receipts') {
      send({ type: 'receipts', receipts });
    } else if (message.type === 'close') {
      for (const socket of sockets) socket.close();
      process.exit(0);
    }
  };
  run().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
});
