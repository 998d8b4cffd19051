import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One `POST …/Messages.json` the fake received, with the form the SDK sent. */
export interface RecordedMessage {
  accountSid: string;
  authorization: string | undefined;
  params: Record<string, string | string[]>;
  /** The sid the fake gave it (also when it dropped the connection afterwards). */
  sid: string;
  /** When it arrived (ms since the epoch): pacing is measured from these. */
  receivedAt: number;
}

/** How the fake answers the next create: an error Twilio would send, or a lost connection. */
export type ScriptedAnswer =
  | { status: number; code?: number; message?: string }
  /** Accepts and records the message, then drops the connection before answering. */
  | { dropAfterAccepting: true };

export interface FakeTwilio {
  /** Base URL to give the hub as TWILIO_API_URL. */
  url: string;
  /** Every message creation, in arrival order (including refused ones). */
  requests: RecordedMessage[];
  /** Messages Twilio would have sent: accepted ones. */
  accepted: RecordedMessage[];
  /** Queues answers for the next creates; afterwards it accepts again. */
  script(...answers: ScriptedAnswer[]): void;
  close(): Promise<void>;
}

/**
 * A local stand-in for Twilio's REST API on 127.0.0.1, speaking what the real `twilio` client
 * expects: form-encoded `POST /2010-04-01/Accounts/{sid}/Messages.json` with Basic auth, answered
 * with a Message resource (201) or Twilio's error JSON (`{ code, message, more_info, status }`).
 */
export async function startFakeTwilio(): Promise<FakeTwilio> {
  const requests: RecordedMessage[] = [];
  const accepted: RecordedMessage[] = [];
  const answers: ScriptedAnswer[] = [];

  const server: Server = createServer((req, res) => {
    void handle(req, res).catch(() => {
      res.statusCode = 500;
      res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const match = /^\/2010-04-01\/Accounts\/(AC[0-9a-f]+)\/Messages\.json$/i.exec(req.url ?? '');
    if (req.method !== 'POST' || !match) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 20404, status: 404 }));
      return;
    }
    const body = await readBody(req);
    const params: Record<string, string | string[]> = {};
    for (const [key, value] of new URLSearchParams(body)) {
      const existing = params[key];
      params[key] = existing === undefined ? value : ([] as string[]).concat(existing, value);
    }
    const recorded: RecordedMessage = {
      accountSid: match[1],
      authorization: req.headers.authorization,
      params,
      sid: `SM${randomBytes(16).toString('hex')}`,
      receivedAt: Date.now(),
    };
    requests.push(recorded);
    const answer = answers.shift();
    if (answer && 'dropAfterAccepting' in answer) {
      accepted.push(recorded);
      req.socket.destroy();
      return;
    }
    if (answer) {
      const error = {
        code: answer.code ?? answer.status,
        message: answer.message ?? 'scripted error',
        status: answer.status,
      };
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(error));
      return;
    }
    accepted.push(recorded);
    res.writeHead(201, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        sid: recorded.sid,
        account_sid: recorded.accountSid,
        to: params.To,
        from: params.From ?? null,
        messaging_service_sid: params.MessagingServiceSid ?? null,
        body: params.Body ?? null,
        status: 'queued',
        num_segments: '1',
        date_created: new Date().toUTCString(),
      }),
    );
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    accepted,
    script: (...next) => answers.push(...next),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
