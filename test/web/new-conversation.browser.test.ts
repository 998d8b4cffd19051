import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ConsentStore } from '../../src/store/contacts/consent-store';
import { createUser, type TestUser } from '../helpers/inbox-client';
import { eventually } from '../helpers/inbox-fixtures';
import { useTwilioHub } from '../helpers/twilio-hub';
import { zoneAtNoon } from '../helpers/zone-at-noon';

/**
 * "New conversation" in real headless Chromium against the real hub, whose SMS goes through the
 * real Twilio SDK to the fake Twilio API: from a contact's page, and from the inbox list with a
 * contact found by name, where the hub's refusal is shown. RAPPORT_SCREENSHOTS=docs refreshes
 * docs/new-conversation.png.
 */
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];
const SHOTS = process.env.RAPPORT_SCREENSHOTS
  ? path.resolve(process.env.RAPPORT_SCREENSHOTS)
  : path.resolve('test-results', 'screenshots');

const env = useTwilioHub();
let browser: Browser;
let page: Page;
let manager: TestUser;
let ada: string;

async function contact(firstName: string, lastName: string, phone: string): Promise<string> {
  const [row] = await env.query<{ id: string }>(
    'INSERT INTO contacts (first_name, last_name, phone, time_zone) VALUES ($1, $2, $3, $4) RETURNING id',
    [firstName, lastName, phone, zoneAtNoon()],
  );
  return row.id;
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  manager = await createUser(env.hub, 'manager');
  ada = await contact('Ada', 'Lovelace', '+14155550142');
  const bo = await contact('Bo', 'Stopped', '+14155550143');
  await new ConsentStore(env.hub.app.store.dataSource, env.hub.app.bus).record(bo, 'sms', 'opted_out', {
    source: 'keyword:STOP',
    recordedBy: 'test',
  });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  await page.goto(`${env.hub.url}/inbox`);
  await page.getByLabel('Email').fill(manager.email);
  await page.getByLabel('Password').fill(manager.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('.connection.on').waitFor();
}, 120_000);
afterAll(async () => {
  await browser?.close();
});

describe('New conversation', () => {
  it('writes to a contact from their page; the SMS reaches Twilio and the conversation opens in the inbox', async () => {
    await page.getByRole('tab', { name: 'Contacts' }).click();
    await page.locator(`.ct-row[data-id="${ada}"]`).click();
    await page.locator('.ct-contact-head', { hasText: 'Ada Lovelace' }).waitFor();
    await page.getByRole('button', { name: 'New conversation' }).click();

    const dialog = page.getByRole('dialog', { name: 'New conversation' });
    await dialog.locator('.nc-contact', { hasText: 'Ada Lovelace · +14155550142' }).waitFor();
    await dialog.getByLabel('Text').fill('Hi Ada, your order is ready for pick-up.');
    await page.screenshot({ path: path.join(SHOTS, 'new-conversation.png') });
    await dialog.getByRole('button', { name: 'Send' }).click();

    // Once the hub has answered, the inbox shows the new conversation.
    await page.locator('.pane-thread .msg', { hasText: 'Hi Ada, your order is ready for pick-up.' }).waitFor();
    expect(await page.getByRole('tab', { name: 'Inbox' }).getAttribute('aria-selected')).toBe('true');
    await page.locator('.conv-list li', { hasText: 'Ada Lovelace' }).waitFor();
    await eventually(() =>
      expect(env.fake.accepted.filter((m) => m.params.To === '+14155550142').map((m) => m.params.Body)).toEqual([
        'Hi Ada, your order is ready for pick-up.',
      ]),
    );
  });

  it('finds a contact from the inbox list and shows the hub’s refusal for one who opted out', async () => {
    await page.getByRole('tab', { name: 'Inbox' }).click();
    await page.locator('.pane-list').getByRole('button', { name: 'New' }).click();
    const dialog = page.getByRole('dialog', { name: 'New conversation' });
    await dialog.getByLabel('Find a contact').fill('Stopped');
    await dialog.getByRole('button', { name: 'Bo Stopped · +14155550143' }).click();
    await dialog.getByLabel('Text').fill('Hello Bo');
    await dialog.getByRole('button', { name: 'Send' }).click();

    await dialog.getByRole('alert').filter({ hasText: 'opted out of sms' }).waitFor();
    expect(await dialog.isVisible()).toBe(true);
    expect(env.fake.accepted.filter((m) => m.params.To === '+14155550143')).toEqual([]);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
  });
});
