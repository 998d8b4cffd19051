import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import twilio from 'twilio';
import { sandboxCredentials } from '../../channels/twilio/sandbox/sandbox-credentials';
import { loadConfig } from '../../src/config';
import { twilioSandboxWanted } from '../../src/outbound/register-phone-channels';
import { webchatVisitor } from '../helpers/inbox-fixtures';
import { TEST_SECRET, startTestApp, testConfig, type TestApp } from '../helpers/test-app';

// Finding 1 of the security review: the sandbox was mounted whenever Twilio was unset, answered
// anyone, signed callbacks to any URL, and a callback could mark a web chat reply delivered.

/** This machine's first address that is not loopback: requests from it are "from elsewhere". */
const outsideAddress = Object.values(networkInterfaces())
  .flat()
  .find((entry) => entry && entry.family === 'IPv4' && !entry.internal)?.address;

const { accountSid, authToken } = sandboxCredentials(TEST_SECRET);
const basicAuth = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`;
const messagesPath = `/sandbox/twilio/2010-04-01/Accounts/${accountSid}/Messages.json`;

describe('the Twilio sandbox is off unless asked for', () => {
  it('is refused in production at config parse', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', TWILIO_SANDBOX: 'true' })).toThrow(/TWILIO_SANDBOX/);
    expect(() => loadConfig({ NODE_ENV: 'production', TWILIO_SANDBOX: 'false' })).not.toThrow();
  });

  it('is on for the zero-setup demo only outside production, and an explicit setting wins', () => {
    expect(twilioSandboxWanted(loadConfig({ NODE_ENV: 'development' }), true)).toBe(true);
    expect(twilioSandboxWanted(loadConfig({ NODE_ENV: 'development' }), false)).toBe(false);
    expect(twilioSandboxWanted(loadConfig({ NODE_ENV: 'development', TWILIO_SANDBOX: 'false' }), true)).toBe(false);
    expect(twilioSandboxWanted(loadConfig({ NODE_ENV: 'production' }), true)).toBe(false);
    expect(twilioSandboxWanted(testConfig({ TWILIO_SANDBOX: 'true' }), false)).toBe(true);
  });

  it('is not mounted on a hub without Twilio credentials and without TWILIO_SANDBOX', async () => {
    const hub = await startTestApp({ TWILIO_SANDBOX: '' });
    try {
      expect((await fetch(`${hub.url}/sandbox/twilio/messages`)).status).toBe(404);
      const posted = await fetch(`${hub.url}${messagesPath}`, {
        method: 'POST',
        headers: { authorization: basicAuth, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ To: '+14155550100', From: '+15005550006', Body: 'hi' }),
      });
      expect(posted.status).toBe(404);
      const health = (await (await fetch(`${hub.url}/health`)).json()) as { channels: Record<string, string> };
      expect(health.channels).not.toHaveProperty('sms');
      expect(health.channels).not.toHaveProperty('whatsapp');
    } finally {
      await hub.close();
    }
  });
});

describe('the Twilio sandbox when on', () => {
  let hub: TestApp;
  let port: number;
  beforeAll(async () => {
    // On every interface, so that a request can come from an address that is not loopback.
    hub = await startTestApp({ TWILIO_SANDBOX: 'true', HOST: '0.0.0.0' });
    port = Number(new URL(hub.url).port);
  });
  afterAll(async () => {
    await hub.close();
  });

  const list = (host: string, headers: Record<string, string> = {}) =>
    fetch(`http://${host}:${port}/sandbox/twilio/messages`, { headers });

  it('answers a loopback client', async () => {
    expect((await list('127.0.0.1')).status).toBe(200);
  });

  it('refuses a loopback connection that came through a proxy (it carries X-Forwarded-For)', async () => {
    const answer = await list('127.0.0.1', { 'x-forwarded-for': '203.0.113.9' });
    expect(answer.status).toBe(401);
    expect(await answer.json()).toMatchObject({ code: 20003, status: 401 });
  });

  (outsideAddress ? it : it.skip)('refuses another address, whatever X-Forwarded-For claims', async () => {
    const host = outsideAddress as string;
    expect((await list(host)).status).toBe(401);
    expect((await list(host, { 'x-forwarded-for': '127.0.0.1' })).status).toBe(401);
    const wrong = `Basic ${Buffer.from(`${accountSid}:not-the-token`).toString('base64')}`;
    expect((await list(host, { authorization: wrong })).status).toBe(401);
  });

  (outsideAddress ? it : it.skip)('answers another address that carries the sandbox credentials', async () => {
    expect((await list(outsideAddress as string, { authorization: basicAuth })).status).toBe(200);
  });

  it('refuses a StatusCallback that is not the hub own status URL, and calls nothing', async () => {
    const calls: string[] = [];
    const elsewhere: Server = createServer((req, res) => {
      calls.push(req.url ?? '');
      res.end();
    });
    await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
    const target = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}/collect`;
    try {
      for (const callback of [target, `${target}?x=${hub.url}/webhooks/twilio/status`, `${hub.url}/api/auth/login`]) {
        const answer = await fetch(`${hub.url}${messagesPath}`, {
          method: 'POST',
          headers: { authorization: basicAuth, 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ To: '+14155550100', From: '+15005550006', Body: 'hi', StatusCallback: callback }),
        });
        expect(answer.status).toBe(400);
        expect(await answer.json()).toMatchObject({ code: 21609, status: 400 });
      }
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(calls).toEqual([]);
    } finally {
      await new Promise((resolve) => elsewhere.close(resolve));
    }
  });

  it('never lets a status callback change a message of another channel (a web chat reply)', async () => {
    const visitor = await webchatVisitor(hub);
    try {
      await visitor.send('hello, is my order on its way?');
      const conversationId = await visitor.conversationId();
      const reply = await hub.app.outbound.send({ conversationId, text: 'It left today', authorKind: 'agent' });
      const before = await messageRow(reply.id);

      // Signed with the sandbox token, as the sandbox would sign it: the signature is valid.
      const url = `${hub.url}/webhooks/twilio/status?messageId=${reply.id}`;
      const params = { MessageSid: 'SM0123456789abcdef0123456789abcdef', MessageStatus: 'read', To: 'x', From: 'y' };
      const answer = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': twilio.getExpectedTwilioSignature(authToken, url, params),
        },
        body: new URLSearchParams(params),
      });
      expect(answer.status).toBe(200);
      expect(await messageRow(reply.id)).toEqual(before);
      expect(before.channel).toBe('webchat');
      expect(before.provider_message_id).not.toBe(params.MessageSid);
    } finally {
      visitor.socket.close();
    }
  });

  async function messageRow(id: string): Promise<{ status: string; channel: string; provider_message_id: string }> {
    const [row] = await hub.app.store.dataSource.query(
      'SELECT status, channel, provider_message_id FROM messages WHERE id = $1',
      [id],
    );
    return row;
  }
});
