import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ConsentStore } from '../../src/store/contacts/consent-store';
import { api, createUser, type TestUser } from '../helpers/inbox-client';
import { postSigned, startTwilioHub, textHub, waitFor, type TwilioHub } from '../helpers/twilio-hub';
import { zoneAtNoon } from '../helpers/zone-at-noon';

/**
 * The Campaigns tab in real headless Chromium against the real hub sending to the fake Twilio
 * with the real clock: the composer's live preview and segment count, a launch, the campaign
 * page's counts and chart following the send, and an automation's switch.
 * RAPPORT_SCREENSHOTS=docs refreshes docs/campaigns.png, docs/campaign-composer.png and
 * docs/campaign-page.png, as in inbox.browser.test.ts.
 */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const SHOTS = process.env.RAPPORT_SCREENSHOTS
  ? path.resolve(process.env.RAPPORT_SCREENSHOTS)
  : path.resolve('test-results', 'screenshots');
const PEOPLE: [string, string, boolean][] = [
  ['Ada', '+12125550401', true],
  ['Grace', '+12125550402', true],
  ['Katherine', '+12125550403', true],
  ['Linus', '+12125550404', true],
  ['Edsger', '+12125550405', false],
];

let env: TwilioHub;
let browser: Browser;
let manager: TestUser;
let page: Page;
let automationId: string;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  env = await startTwilioHub({ TWILIO_SMS_MPS: '2' });
  manager = await createUser(env.hub, 'manager');
  const consents = new ConsentStore(env.hub.app.store.dataSource, env.hub.app.bus);
  for (const [index, [first, phone, optedIn]] of PEOPLE.entries()) {
    const [row] = await env.hub.app.store.dataSource.query<{ id: string }[]>(
      `INSERT INTO contacts (first_name, phone, time_zone, tags, attributes)
       VALUES ($1, $2, $3, ARRAY['spring-sale'], jsonb_build_object('points', $4::int)) RETURNING id`,
      [first, phone, zoneAtNoon(), 100 + index * 25],
    );
    if (optedIn) await consents.record(row.id, 'sms', 'opted_in', { source: 'web-form:signup', recordedBy: 'test' });
  }
  const asManager = { as: manager.session };
  const segment = await api<{ id: string }>(env.hub, 'POST', '/segments', {
    ...asManager,
    body: { name: 'Spring sale', rules: { tag: 'spring-sale' } },
  });
  const automation = await api<{ id: string }>(env.hub, 'POST', '/automations', {
    ...asManager,
    body: {
      name: 'Birthday wishes',
      trigger: { type: 'birthday', localTime: '09:00' },
      audience: { segmentId: segment.body.id },
      channel: 'sms',
      purpose: 'marketing',
      message: { text: 'Happy birthday, {{ contact.first_name }}!' },
    },
  });
  automationId = automation.body.id;
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await env?.close();
});

async function signIn(target: Page, user: TestUser): Promise<void> {
  await target.goto(`${env.hub.url}/inbox`);
  await target.getByLabel('Email').fill(user.email);
  await target.getByLabel('Password').fill(user.password);
  await target.getByRole('button', { name: 'Sign in' }).click();
  await target.locator('.connection.on').waitFor();
}

const count = (name: string) => page.locator(`.cg-counts [data-count="${name}"] dd`);

describe('the Campaigns tab', () => {
  it('is not offered to agents', async () => {
    const agent = await createUser(env.hub, 'agent');
    const agentPage = await browser.newPage();
    await signIn(agentPage, agent);
    await agentPage.getByRole('tab', { name: 'Contacts' }).waitFor();
    expect(await agentPage.getByRole('tab', { name: 'Campaigns' }).count()).toBe(0);
    await agentPage.close();
  });

  it('previews the personalised text for sample contacts as the manager types, with its SMS segments', async () => {
    await signIn(page, manager);
    await page.getByRole('tab', { name: 'Campaigns' }).click();
    await page.locator('.cg-list', { hasText: 'No campaigns yet' }).waitFor();
    await page.getByRole('button', { name: 'New campaign' }).click();
    await page
      .getByLabel('Audience')
      .locator('option', { hasText: 'Spring sale (5 contacts)' })
      .waitFor({ state: 'attached' });
    await page.getByLabel('Campaign name').fill('Spring sale');

    const message = page.getByLabel('Campaign message');
    await message.fill('Hi {{ contact.first_name }}, you have {{ contact.attributes.points }} points');
    await page.locator('.cp-sample', { hasText: 'Hi Ada, you have 100 points' }).waitFor();
    await page.locator('.cp-sample', { hasText: 'Hi Grace, you have 125 points' }).waitFor();
    expect(await page.locator('.cp-count').textContent()).toMatch(/^1 SMS segment · GSM-7 · \d+ \/ 160$/);
    await page.locator('.cp-estimate [data-estimate="audience"]', { hasText: '5' }).waitFor();
    expect(await page.locator('.cp-estimate [data-estimate="reachable"]').textContent()).toBe('4');
    await page.locator('.cp-warnings', { hasText: '1 of the audience have no opt-in on sms' }).waitFor();

    // Typing on: each pause refreshes the preview; an emoji makes the text UCS-2.
    await message.pressSequentially(' to spend 🌷');
    await page.locator('.cp-sample', { hasText: 'Hi Ada, you have 100 points to spend 🌷' }).waitFor();
    // The template itself (88 UTF-16 units) would take two segments; Ada's text fits in one.
    expect(await page.locator('.cp-count').textContent()).toBe('2 SMS segments · UCS-2 (because of 🌷) · 88 / 134');
    expect(await page.locator('.cp-sample').first().locator('.cp-segments').textContent()).toBe(
      '1 SMS segment · UCS-2 (because of 🌷) · 39 / 70',
    );

    // A holdout makes it an experiment: the preview says, before launch, what it could detect.
    const holdout = page.getByLabel('Holdout percent');
    await holdout.fill('20');
    await page.locator('.cp-preview [data-estimate="power"]', { hasText: 'per arm (2 arms)' }).waitFor();
    await holdout.fill('0');
    await page.locator('.cp-preview [data-estimate="power"]').waitFor({ state: 'detached' });
    // A broken template says why, where the preview was.
    await message.fill('Hi {{ contact.first_name ');
    await page.locator('.cp-preview .cp-problem', { hasText: 'not a valid template' }).waitFor();
    await message.fill(
      'Hi {{ contact.first_name }}, spring is here: {{ contact.attributes.points }} points to spend this week. À bientôt!',
    );
    await page.locator('.cp-sample', { hasText: 'Hi Katherine, spring is here: 150 points' }).waitFor();
    await page.screenshot({ path: path.join(SHOTS, 'campaign-composer.png') });
  });

  it('launches, and the campaign page’s counts and chart follow the send and the replies live', async () => {
    await page.getByRole('button', { name: 'Launch' }).click();
    await page.locator('.cg-campaign h3', { hasText: 'Spring sale' }).waitFor();
    await count('audience').filter({ hasText: '5' }).waitFor();
    // The page polls: the progress reaches 4 of 4 as the sends go to the outbox at 2 per second…
    await page.locator('.cg-counts [data-count="progress"] dd', { hasText: '4 / 4' }).waitFor({ timeout: 30_000 });
    await waitFor(() => env.fake.accepted.length === 4, 30_000);
    expect(env.fake.accepted.map((message) => message.params.To).sort()).toEqual(PEOPLE.slice(0, 4).map((p) => p[1]));
    expect(String(env.fake.accepted[0].params.Body)).toMatch(
      /^Hi \w+, spring is here: \d+ points to spend this week\. À bientôt!$/,
    );
    // …and "delivered" follows Twilio's status callbacks, without a reload.
    for (const message of env.fake.accepted) {
      const answer = await postSigned(env.hub, '/webhooks/twilio/status', {
        MessageSid: message.sid,
        MessageStatus: 'delivered',
      });
      expect(answer.status).toBeLessThan(300);
    }
    await count('delivered').filter({ hasText: '4' }).waitFor();
    expect(await count('sent').textContent()).toBe('4');
    await page.locator('.cg-skipped [data-reason="no_consent"]', { hasText: 'no consent: 1' }).waitFor();
    await page.locator('.cg-recipients tr[data-state="skipped"]', { hasText: 'Edsger' }).waitFor();
    await page.locator('.cg-chart svg.chart rect.sent').first().waitFor();

    const suite = {
      hub: env.hub,
      fake: env.fake,
      query: <T>(sql: string, params: unknown[] = []) => env.hub.app.store.dataSource.query<T[]>(sql, params),
    };
    await textHub(suite, '+12125550401', 'Love it, is the blue one back?');
    await count('replied').filter({ hasText: '1' }).waitFor();
    await page.locator('.cg-chart .series.replied circle').first().waitFor();
    await page.locator('.cg-status', { hasText: 'completed' }).waitFor();
    const api = await fetch(`${env.hub.url}/api/campaigns`, {
      headers: { cookie: manager.session.cookie },
    }).then((response) => response.json() as Promise<{ items: { counts: { replied: number } }[] }>);
    expect(api.items[0].counts.replied).toBe(1);
    await page.screenshot({ path: path.join(SHOTS, 'campaign-page.png') });

    await page.getByRole('button', { name: 'Campaigns', exact: true }).click();
    const row = page.locator('.cg-row', { hasText: 'Spring sale' });
    await row.locator('.cg-progress-text', { hasText: '4 / 4' }).waitFor();
    await page.screenshot({ path: path.join(SHOTS, 'campaigns.png') });
  });

  it('switches an automation on and shows its next run', async () => {
    await page.getByRole('button', { name: 'Automations' }).click();
    const toggle = page.getByRole('switch', { name: 'Birthday wishes on' });
    expect(await toggle.getAttribute('aria-checked')).toBe('false');
    await toggle.click();
    await page.locator('[role="switch"][aria-checked="true"]').waitFor();
    const { body } = await api<{ items: { id: string; status: string }[] }>(env.hub, 'GET', '/automations', {
      as: manager.session,
    });
    expect(body.items.find((item) => item.id === automationId)?.status).toBe('running');
    expect(await page.locator(`tr[data-id="${automationId}"] [data-run="next"]`).textContent()).not.toBe('off');
    await page.getByRole('switch', { name: 'Birthday wishes on' }).click();
    await page.locator('[role="switch"][aria-checked="false"]').waitFor();
  });
});
