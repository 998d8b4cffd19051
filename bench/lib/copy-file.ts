import { createReadStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { Client } from 'pg';

/** The part of node-postgres's connection a COPY … FROM STDIN drives (pg-copy-streams is not installed). */
interface CopyConnection {
  stream: Writable;
  query(text: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
  sendCopyFail(message: string): void;
}

/**
 * Streams a file to the server through `COPY … FROM STDIN` (what psql's \copy does), answering
 * the number of rows the server stored. A "submittable" query: node-postgres hands it the
 * connection and the protocol messages of its turn, as pg-copy-streams does.
 */
export function copyFile(client: Client, copyStatement: string, file: string): Promise<number> {
  return new Promise((resolve, reject) => {
    let failure: Error | null = null;
    let rows = 0;
    const send = async (connection: CopyConnection) => {
      try {
        for await (const chunk of createReadStream(file, { highWaterMark: 256 * 1024 }) as AsyncIterable<Buffer>) {
          connection.sendCopyFromChunk(chunk);
          if (connection.stream.writableNeedDrain) await once(connection.stream, 'drain');
        }
        connection.endCopyFrom();
      } catch (error) {
        connection.sendCopyFail(String(error));
      }
    };
    const submittable = {
      submit: (connection: CopyConnection) => connection.query(copyStatement),
      handleCopyInResponse: (connection: CopyConnection) => void send(connection),
      handleCommandComplete: (message: { text: string }) => (rows = Number(message.text.split(' ')[1])),
      handleError: (error: Error) => (failure = error),
      handleReadyForQuery: () => (failure ? reject(failure) : resolve(rows)),
      handleRowDescription: () => undefined,
      handleDataRow: () => undefined,
      handleEmptyQuery: () => undefined,
      handleCopyData: () => undefined,
      handlePortalSuspended: () => undefined,
    };
    void client.query(submittable as never);
  });
}
