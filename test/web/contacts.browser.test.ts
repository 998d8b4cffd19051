import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildInboxUi } from '../../scripts/build-inbox';
import { ConsentStore } from '../../src/store/contacts/consent-store';
import { api, createUser, type TestUser } from '../helpers/inbox-client';
import { inboundSms, knownSmsContact } from '../helpers/inbox-fixtures';
import { startTestApp, type TestApp } from '../helpers/test-app';

/**
 * The Contacts tab in real headless Chromium against the real hub: the directory, a contact's
 * page, and the create and edit form with the hub's validation. RAPPORT_SCREENSHOTS=docs
 * refreshes the README's screenshots (docs/contacts.png, docs/contact-page.png).
 */
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];
const SHOTS = process.env.RAPPORT_SCREENSHOTS
  ? path.resolve(process.env.RAPPORT_SCREENSHOTS)
  : path.resolve('test-results', 'screenshots');
const DAY = 86_400_000;

let hub: TestApp;
let browser: Browser;
let manager: TestUser;
let page: Page;
let nia: { id: string; conversationId: string };

const query = <T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> =>
  hub.app.store.dataSource.query(sql, params);

/**
 * A customer the hub knows well: a profile, two identities, a conversation, consent given on a
 * form and withdrawn by STOP, orders, a flow's answers and a low rating.
 */
async function seedNia(): Promise<{ id: string; conversationId: string }> {
  const id = await knownSmsContact(hub, '+14155550177', { firstName: 'Nia', email: 'nia.okoye@example.com' });
  await query(
    `UPDATE contacts SET last_name = 'Okoye', time_zone = 'America/Chicago', locale = 'en-US', birthday = '1990-04-12',
            tags = '{vip,book-club}', attributes = '{"favourite_genre": "mystery", "loyalty_points": 310}'
      WHERE id = $1`,
    [id],
  );
  await query("INSERT INTO contact_identities (contact_id, channel, address) VALUES ($1, 'whatsapp', '+14155550177')", [
    id,
  ]);
  const { conversation } = await inboundSms(hub, 'Is my order on its way?', { from: '+14155550177' });
  const consents = new ConsentStore(hub.app.store.dataSource, hub.app.bus);
  await consents.record(id, 'sms', 'opted_in', { source: 'web_form:checkout', recordedBy: 'import' });
  await consents.record(id, 'whatsapp', 'opted_in', { source: 'web_form:checkout', recordedBy: 'import' });
  await consents.record(id, 'whatsapp', 'opted_out', { source: 'keyword:STOP', recordedBy: 'consent-gate' });
  for (const [days, total] of [
    [40, 18.5],
    [12, 42],
    [3, 27.25],
  ]) {
    await query(
      `INSERT INTO contact_events (contact_id, name, occurred_at, properties) VALUES ($1, 'order.placed', $2, $3)`,
      [id, new Date(Date.now() - days * DAY), JSON.stringify({ total, currency: 'USD' })],
    );
  }
  await query(
    `INSERT INTO feedback (contact_id, conversation_id, channel, kind, score, comment, sentiment_label)
     VALUES ($1, $2, 'sms', 'csat', 2, 'The parcel was late again', 'negative')`,
    [id, conversation.id],
  );
  return { id, conversationId: conversation.id };
}

beforeAll(async () => {
  await buildInboxUi();
  mkdirSync(SHOTS, { recursive: true });
  hub = await startTestApp({});
  manager = await createUser(hub, 'manager');
  nia = await seedNia();
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await hub?.close();
});

async function signIn(target: Page, user: TestUser): Promise<void> {
  await target.goto(`${hub.url}/inbox`);
  await target.getByLabel('Email').fill(user.email);
  await target.getByLabel('Password').fill(user.password);
  await target.getByRole('button', { name: 'Sign in' }).click();
  await target.locator('.connection.on').waitFor();
}

const section = (key: string) => page.locator(`.ct-contact [data-section="${key}"]`);

describe('the Contacts tab in a browser', () => {
  it('opens a contact’s page from the inbox: profile, identities, conversations, consent history, answers, feedback', async () => {
    await signIn(page, manager);
    await page.locator(`.conv[data-id="${nia.conversationId}"]`).click();
    await page.locator('.pane-contact h2', { hasText: 'Nia Okoye' }).waitFor();
    await page.getByRole('button', { name: 'Contact page' }).click();
    await page.locator('.ct-contact h2', { hasText: 'Nia Okoye' }).waitFor();
    expect(await page.getByRole('tab', { name: 'Contacts' }).getAttribute('aria-selected')).toBe('true');

    const profile = section('profile');
    for (const value of [
      'Okoye',
      '+14155550177',
      'nia.okoye@example.com',
      'America/Chicago',
      '1990-04-12',
      'mystery',
    ]) {
      await profile.locator('dd', { hasText: value }).first().waitFor();
    }
    expect(await profile.locator('.label').allTextContents()).toEqual(['vip', 'book-club']);
    expect(await section('identities').locator('li').allTextContents()).toEqual([
      'sms +14155550177',
      'whatsapp +14155550177',
    ]);
    await section('conversations').locator('li', { hasText: 'Is my order on its way?' }).waitFor();
    // Every decision, newest first where the hub orders it so: the STOP on WhatsApp is there.
    await section('consents').locator('.consent.opted_out[data-channel="whatsapp"]').waitFor();
    await section('consents').locator('.consent', { hasText: 'keyword:STOP' }).waitFor();
    await section('feedback').locator('.section-row', { hasText: 'The parcel was late again' }).waitFor();

    // A conversation opens in the inbox.
    await section('conversations').getByRole('button').first().click();
    expect(await page.getByRole('tab', { name: 'Inbox' }).getAttribute('aria-selected')).toBe('true');
    await page.locator('.pane-thread .msg', { hasText: 'Is my order on its way?' }).waitFor();
  });

  it('edits a contact, showing the hub’s refusal under the field it names', async () => {
    await page.getByRole('button', { name: 'Contact page' }).click();
    await page.locator('.ct-contact h2', { hasText: 'Nia Okoye' }).waitFor();
    await page.locator('.ct-contact').getByRole('button', { name: 'Edit' }).click();
    const form = page.getByRole('form', { name: 'Edit contact' });
    await form.getByLabel('Phone').fill('12');
    await form.getByRole('button', { name: 'Save changes' }).click();
    await form.locator('[data-field="phone"] .field-error', { hasText: 'not a valid phone number' }).waitFor();
    expect(await form.getByLabel('Phone').getAttribute('aria-invalid')).toBe('true');
    await form.getByLabel('Phone').fill('+14155550177');
    await form.getByLabel('Email').fill('not-an-email');
    await form.getByRole('button', { name: 'Save changes' }).click();
    await form.locator('[data-field="email"] .field-error:not(:empty)').waitFor();
    expect(await form.getByLabel('Email').getAttribute('aria-invalid')).toBe('true');
    expect(await form.locator('[data-field="phone"] .field-error').textContent()).toBe('');
    // Nothing was saved.
    const [stored] = await query<{ phone: string; email: string }>('SELECT phone, email FROM contacts WHERE id = $1', [
      nia.id,
    ]);
    expect(stored).toEqual({ phone: '+14155550177', email: 'nia.okoye@example.com' });

    // A national number is read in the hub's region and stored in E.164.
    await form.getByLabel('Phone').fill('(415) 555-0188');
    await form.getByLabel('Email').fill('Nia.Okoye@Example.com');
    await form.getByLabel('Time zone').selectOption('Europe/Lisbon');
    await form.getByLabel('Birthday').fill('1990-04-13');
    await form.getByRole('button', { name: 'Save changes' }).click();
    await section('profile').locator('dd', { hasText: '+14155550188' }).waitFor();
    const [saved] = await query('SELECT phone, email, time_zone, birthday::text FROM contacts WHERE id = $1', [nia.id]);
    expect(saved).toEqual({
      phone: '+14155550188',
      email: 'nia.okoye@example.com',
      time_zone: 'Europe/Lisbon',
      birthday: '1990-04-13',
    });
    const profile = await api<{ phone: string }>(hub, 'GET', `/contacts/${nia.id}`, { as: manager.session });
    expect(profile.body.phone).toBe('+14155550188');
    await page.locator('.ct-page').evaluate((node) => node.scrollTo(0, 0));
    await page.screenshot({ path: path.join(SHOTS, 'contact-page.png') });
  });
});
