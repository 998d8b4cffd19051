/**
 * The baseline of bench:inbox in its own process: a bare socket.io server that broadcasts each
 * event the hub hands it over IPC to every connected client. Reports its port, then its memory
 * when asked; closes on `close`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { memorySample } from './processes';

const http = createServer();
const io = new Server(http);
const send = (message: Record<string, unknown>) => process.send?.(message);

http.listen(0, '127.0.0.1', () => send({ type: 'ready', port: (http.address() as AddressInfo).port }));
process.on('message', (message: { type: string; payload?: unknown }) => {
  if (message.type === 'broadcast') io.emit('message.created', message.payload);
  else if (message.type === 'memory') send({ type: 'memory', memory: memorySample() });
  else if (message.type === 'close') io.close(() => process.exit(0));
});
