import { createSign, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { BotFrameworkChannel } from '../../../channels/botframework/bot-framework-channel';
import { createApp } from '../../../src/app';
import { loadConfig } from '../../../src/config';
import { resolveBotFrameworkSettings } from '../../../channels/botframework/bot-framework-settings';
import { createMigratedTestDatabase } from '../../helpers/database';
import { migratedPgliteDump } from '../../helpers/migrated-template';
import { CHANNEL_TOKEN_ISSUER, startFakeBotFrameworkIssuer } from '../../helpers/fake-bot-framework-issuer';
import { startFakeConnector, type FakeConnector } from '../../helpers/fake-connector';
import { TEST_SECRET, startTestApp, type TestApp } from '../../helpers/test-app';

const APP_ID = '00000000-0000-4000-8000-00000000b07f';

let connector: FakeConnector;
beforeAll(async () => {
  connector = await startFakeConnector();
});
afterAll(async () => {
  await connector.close();
});

function message(): Record<string, unknown> {
  return {
    type: 'message',
    id: 'auth-activity-1',
    channelId: 'msteams',
    serviceUrl: connector.serviceUrl,
    conversation: { id: 'a:auth' },
    from: { id: '29:intruder' },
    recipient: { id: `28:${APP_ID}` },
    text: 'let me in',
  };
}

/** A well-formed RS256 JWT from an issuer the Bot Framework does not use, signed by a stranger's key. */
function untrustedToken(): string {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const unsigned = `${encode({ alg: 'RS256', typ: 'JWT', kid: 'forged' })}.${encode({
    iss: 'https://evil.example.com',
    aud: APP_ID,
    serviceurl: connector.serviceUrl,
    nbf: now - 60,
    exp: now + 600,
  })}`;
  const signature = createSign('RSA-SHA256').update(unsigned).sign(privateKey).toString('base64url');
  return `${unsigned}.${signature}`;
}

describe('Bot Framework authentication', () => {
  describe('with an app id configured (authentication on)', () => {
    let hub: TestApp;
    beforeAll(async () => {
      hub = await startTestApp({ MICROSOFT_APP_ID: APP_ID, MICROSOFT_APP_PASSWORD: 'not-a-real-secret' });
    });
    afterAll(async () => {
      await hub.close();
    });

    const post = (headers: Record<string, string>) =>
      fetch(`${hub.url}/webhooks/botframework`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(message()),
      });
    const stored = () => hub.app.store.dataSource.query("SELECT id FROM messages WHERE body = 'let me in'");

    it('refuses an activity without a token with 401 and stores nothing', async () => {
      const response = await post({});

      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({
        error: { code: 'UNAUTHENTICATED', message: 'Authentication is required' },
      });
      expect(await stored()).toEqual([]);
    });

    it('refuses an activity with a token from an untrusted issuer with 401 and stores nothing', async () => {
      const response = await post({ authorization: `Bearer ${untrustedToken()}` });

      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ error: { code: 'INVALID_TOKEN' } });
      expect(await stored()).toEqual([]);
    });

    it('posts nothing to the serviceUrl of a refused activity', async () => {
      await post({});

      expect(connector.posts).toEqual([]);
    });
  });

  describe('with a token the Bot Framework signed (its OpenID metadata and keys served locally)', () => {
    // The hub's own settings, with the connector's token validation pointed at a local issuer.
    // The hub offers no variable for this on purpose: whoever sets the metadata URL can mint
    // tokens, so the test builds the channel itself, with the real CloudAdapter and the real store.
    let hub: TestApp;
    let issuer: Awaited<ReturnType<typeof startFakeBotFrameworkIssuer>>;
    let channel: BotFrameworkChannel;
    beforeAll(async () => {
      issuer = await startFakeBotFrameworkIssuer(['msteams']);
      hub = await startTestApp();
      const settings = resolveBotFrameworkSettings(
        loadConfig({ MICROSOFT_APP_ID: APP_ID, MICROSOFT_APP_PASSWORD: 'not-a-real-secret' }),
      );
      if (!settings.enabled) throw new Error('the Bot Framework channel should be enabled');
      channel = new BotFrameworkChannel(
        {
          ...settings,
          authOptions: {
            ...settings.authOptions,
            ToBotFromChannelOpenIdMetadataUrl: issuer.metadataUrl,
            ToBotFromChannelTokenIssuer: CHANNEL_TOKEN_ISSUER,
            ToBotFromEmulatorOpenIdMetadataUrl: issuer.metadataUrl,
            ToChannelFromBotLoginUrl: 'https://login.microsoftonline.com/botframework.com',
            ToChannelFromBotOAuthScope: 'https://api.botframework.com',
            OAuthUrl: 'https://api.botframework.com',
            CallerId: 'urn:botframework:azure',
          },
        },
        {
          ingest: (inbound) => hub.app.ingest.ingest(inbound),
          openConversationId: (address) => hub.app.queries.openConversationFor('botframework', address),
          customerTyping: () => undefined,
        },
        { warn: () => undefined },
      );
    });
    afterAll(async () => {
      await hub.close();
      await issuer.close();
    });

    const handle = (token: string) =>
      channel.handle({ url: '/webhooks/botframework', headers: { authorization: `Bearer ${token}` }, body: message() });
    const stored = () => hub.app.store.dataSource.query("SELECT id FROM messages WHERE body = 'let me in'");

    it('accepts the activity and stores the message', async () => {
      const answer = await handle(issuer.channelToken({ audience: APP_ID, serviceUrl: connector.serviceUrl }));

      expect(answer).toEqual({ status: 200 });
      expect(await stored()).toHaveLength(1);
    });

    it('refuses a signed token meant for another bot with 401', async () => {
      const answer = await handle(issuer.channelToken({ audience: 'another-bot', serviceUrl: connector.serviceUrl }));

      expect(answer).toMatchObject({ status: 401, body: { error: { code: 'INVALID_TOKEN' } } });
    });

    it("refuses a signed token whose serviceUrl is not the activity's with 401", async () => {
      const answer = await handle(issuer.channelToken({ audience: APP_ID, serviceUrl: 'https://evil.example.com/' }));

      expect(answer).toMatchObject({ status: 401, body: { error: { code: 'INVALID_TOKEN' } } });
    });
  });

  describe('with authentication switched off', () => {
    it('says so loudly at start, as a warning', async () => {
      const database = await createMigratedTestDatabase();
      const dataDir = mkdtempSync(path.join(tmpdir(), 'rapport-test-'));
      const lines: { level: number; msg: string }[] = [];
      const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
      const app = await createApp(
        loadConfig({
          NODE_ENV: 'test',
          RAPPORT_SECRET: TEST_SECRET,
          RAPPORT_DATA_DIR: dataDir,
          RAPPORT_SEED_DEMO: 'false',
          BOTFRAMEWORK_AUTH: 'disabled',
          ...(database.url ? { DATABASE_URL: database.url } : {}),
        }),
        { pgliteDataDir: 'memory://', pgliteDump: migratedPgliteDump(), logger },
      );
      await app.close();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });

      const warning = lines.find((line) => line.msg.includes('AUTHENTICATION IS DISABLED'));
      expect(warning?.level).toBe(pino.levels.values.warn);
      expect(warning?.msg).toContain('Local development only');
    });
  });

  describe('without an app id', () => {
    it('does not enable the channel and does not answer its webhook', async () => {
      const hub = await startTestApp();
      try {
        const response = await fetch(`${hub.url}/webhooks/botframework`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(message()),
        });

        expect(response.status).toBe(404);
        expect(hub.app.channels.get('botframework')).toBeUndefined();
      } finally {
        await hub.close();
      }
    });
  });

  describe('settings', () => {
    const settings = (env: Record<string, string>) => resolveBotFrameworkSettings(loadConfig(env));

    it('keeps authentication on unless it is switched off explicitly', () => {
      expect(settings({ MICROSOFT_APP_ID: APP_ID, MICROSOFT_APP_PASSWORD: 'secret' })).toMatchObject({
        enabled: true,
        authDisabled: false,
        authOptions: { MicrosoftAppId: APP_ID, MicrosoftAppType: 'MultiTenant' },
      });
    });

    it('uses the single-tenant app type when a tenant id is given', () => {
      expect(
        settings({ MICROSOFT_APP_ID: APP_ID, MICROSOFT_APP_PASSWORD: 'secret', MICROSOFT_APP_TENANT_ID: 'contoso' }),
      ).toMatchObject({ authOptions: { MicrosoftAppType: 'SingleTenant', MicrosoftAppTenantId: 'contoso' } });
    });

    it('refuses an app id without a password, naming the variable', () => {
      expect(() => settings({ MICROSOFT_APP_ID: APP_ID })).toThrow(/^MICROSOFT_APP_PASSWORD: /);
    });

    it('refuses to switch authentication off in production', () => {
      expect(() => settings({ NODE_ENV: 'production', BOTFRAMEWORK_AUTH: 'disabled' })).toThrow(/^BOTFRAMEWORK_AUTH: /);
    });

    it('refuses an unknown BOTFRAMEWORK_AUTH value, naming the variable', () => {
      expect(() => settings({ BOTFRAMEWORK_AUTH: 'off' })).toThrow(/BOTFRAMEWORK_AUTH/);
    });
  });
});
