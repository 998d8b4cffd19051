import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
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

/** Sixty more customers, one a day back from yesterday: every third a VIP, the even ones opted in to SMS. */
async function seedCrowd(): Promise<void> {
  for (let n = 1; n <= 60; n++) {
    const phone = `+1312555${String(1000 + n)}`;
    const [row] = await query<{ id: string }>(
      `INSERT INTO contacts (first_name, last_name, phone, email, tags, created_at, last_seen_at)
       VALUES ($1, 'Reader', $2, $3, $4, $5, $6) RETURNING id`,
      [
        `Customer${String(n).padStart(2, '0')}`,
        phone,
        `customer${n}@example.com`,
        n % 3 === 0 ? ['vip'] : [],
        new Date(Date.now() - n * DAY),
        n % 4 === 0 ? new Date(Date.now() - n * 3600_000) : null,
      ],
    );
    await query("INSERT INTO contact_identities (contact_id, channel, address) VALUES ($1, 'sms', $2)", [
      row.id,
      phone,
    ]);
    if (n % 2 === 0) {
      await query(
        "INSERT INTO consents (contact_id, channel, status, source) VALUES ($1, 'sms', 'opted_in', 'import')",
        [row.id],
      );
    }
  }
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  hub = await startTestApp({});
  manager = await createUser(hub, 'manager');
  nia = await seedNia();
  await seedCrowd();
  const vips = await api(hub, 'POST', '/segments', {
    as: manager.session,
    body: { name: 'VIPs', rules: { tag: 'vip' } },
  });
  expect(vips.status).toBe(201);
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
const rowIds = (target: Page = page) =>
  target.locator('.ct-row').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-id')));

/**
 * Waits until the directory shows `count` rows. Polled from here: the inbox's CSP forbids the
 * string evaluation page.waitForFunction would poll with.
 */
async function waitForRows(count: number, target: Page = page): Promise<void> {
  const deadline = Date.now() + 10_000;
  let shown = -1;
  while ((shown = await target.locator('.ct-row').count()) !== count) {
    if (Date.now() > deadline) throw new Error(`the directory shows ${shown} rows, not ${count}`);
    await target.waitForTimeout(50);
  }
}

/** The directory as the API answers it, for the UI to be compared with. */
async function directory(user: TestUser, params: Record<string, string>): Promise<string[]> {
  const answer = await api<{ items: { id: string }[] }>(hub, 'GET', `/contacts?${new URLSearchParams(params)}`, {
    as: user.session,
  });
  expect(answer.status).toBe(200);
  return answer.body.items.map((item) => item.id);
}

describe('the Contacts tab in a browser', () => {
  it('lists the directory newest first, 50 at a time, searches it and filters it', async () => {
    await signIn(page, manager);
    await page.getByRole('tab', { name: 'Contacts' }).click();
    const filters = page.locator('.ct-filters');
    await page.locator('.ct-row').nth(49).waitFor();
    const firstPage = await directory(manager, { limit: '50' });
    expect(await rowIds()).toEqual(firstPage);
    // Load more follows the cursor: the rest, nothing twice.
    await page.getByRole('button', { name: 'Load more' }).click();
    const everyone = await directory(manager, { limit: '200' });
    expect(everyone.length).toBeGreaterThan(60);
    await waitForRows(everyone.length);
    expect(await rowIds()).toEqual(everyone);
    expect(await page.getByRole('button', { name: 'Load more' }).isVisible()).toBe(false);

    // Nia's row: name, phone, email, tags, channels, consent per channel.
    const row = page.locator(`.ct-row[data-id="${nia.id}"]`);
    expect(await row.locator('td').nth(0).textContent()).toBe('Nia Okoye');
    expect(await row.locator('td').nth(2).textContent()).toBe('nia.okoye@example.com');
    expect(await row.locator('td:nth-child(4) .label').allTextContents()).toEqual(['vip', 'book-club']);
    expect(await row.locator('td:nth-child(5) .badge').allTextContents()).toEqual(['sms', 'whatsapp']);
    await row.locator('.consent-badge.opted_in[data-channel="sms"]').waitFor();
    await row.locator('.consent-badge.opted_out[data-channel="whatsapp"]').waitFor();

    // A search for part of a name; a phone typed as people type it.
    await filters.getByLabel('Search contacts').fill('okoy');
    await waitForRows(1);
    expect(await rowIds()).toEqual([nia.id]);
    await filters.getByLabel('Search contacts').fill('(312) 555-1007');
    await page.locator('.ct-row', { hasText: 'Customer07' }).waitFor();
    await waitForRows(1);
    await filters.getByLabel('Search contacts').fill('');

    // Filters: a tag; opted out on WhatsApp; opted in on SMS.
    await filters.getByLabel('Tag').fill('vip');
    await filters.getByLabel('Tag').press('Enter');
    const vips = await directory(manager, { tag: 'vip', limit: '50' });
    expect(vips.length).toBe(21);
    await waitForRows(vips.length);
    expect(await rowIds()).toEqual(vips);
    await filters.getByLabel('Tag').fill('');
    await filters.getByLabel('Tag').press('Enter');
    await filters.getByLabel('Channel').selectOption('whatsapp');
    await filters.getByLabel('Consent').selectOption('opted_out');
    await waitForRows(1);
    expect(await rowIds()).toEqual([nia.id]);
    await filters.getByLabel('Channel').selectOption('sms');
    await filters.getByLabel('Consent').selectOption('opted_in');
    const optedIn = await directory(manager, { channel: 'sms', consent: 'opted_in', limit: '50' });
    expect(optedIn.length).toBe(31);
    await waitForRows(optedIn.length);
    expect(await rowIds()).toEqual(optedIn);
    await filters.getByLabel('Channel').selectOption('');
    await filters.getByLabel('Consent').selectOption('');
    await page.locator('.ct-row').nth(49).waitFor();
    await page.locator('.ct-page').evaluate((node) => node.scrollTo(0, 0));
    await page.screenshot({ path: path.join(SHOTS, 'contacts.png') });
  });

  it('opens a contact’s page from the inbox: profile, identities, conversations, consent history, answers, feedback', async () => {
    // Signed in already: the inbox again, from the start.
    await page.goto(`${hub.url}/inbox`);
    await page.locator('.connection.on').waitFor();
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
    // Every decision, with who recorded it: opted in on a form, then STOP on WhatsApp.
    await section('consents').getByRole('button', { name: 'Show every decision and its evidence' }).click();
    await section('consents').locator('.consent').nth(2).waitFor();
    expect(await section('consents').locator('.consent .evidence').allTextContents()).toEqual([
      expect.stringContaining('keyword:STOP · recorded by consent-gate'),
      expect.stringContaining('web form:checkout · recorded by import'),
      expect.stringContaining('web form:checkout · recorded by import'),
    ]);
    expect(
      await section('consents')
        .locator('.consent')
        .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-channel'))),
    ).toEqual(['whatsapp', 'whatsapp', 'sms']);
    await section('feedback').locator('.section-row', { hasText: 'The parcel was late again' }).waitFor();
    await section('events').locator('.event[data-event="order.placed"]').nth(2).waitFor();
    expect(await section('events').locator('.event dd').first().textContent()).toBe('27.25');
    expect(await section('segments').locator('.segment').allTextContents()).toEqual(['VIPs']);

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
    await form.getByLabel('Phone').fill('12345');
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
  it('creates a contact, and offers the existing one when the phone is taken', async () => {
    await page.getByRole('tab', { name: 'Contacts' }).click();
    await page.getByRole('button', { name: 'New contact' }).click();
    const form = page.getByRole('form', { name: 'New contact' });
    await form.getByLabel('First name').fill('Omar');
    await form.getByLabel('Last name').fill('Haddad');
    await form.getByLabel('Phone').fill('+1 312 555 1003');
    await form.getByRole('button', { name: 'Create contact' }).click();
    // Customer03 has that number already.
    await form.locator('[data-field="phone"] .field-error', { hasText: 'already exists' }).waitFor();
    await form.getByRole('button', { name: 'Open the existing contact' }).waitFor();

    await form.getByLabel('Phone').fill('312 555 0199');
    await form.getByLabel('Time zone').selectOption('America/Chicago');
    await form.getByLabel('Birthday').fill('1985-02-28');
    await form.getByLabel('Tags').fill('wholesale, events');
    await form.getByRole('button', { name: 'Create contact' }).click();
    await page.locator('.ct-contact h2', { hasText: 'Omar Haddad' }).waitFor();
    await section('profile').locator('dd', { hasText: '+13125550199' }).waitFor();
    const [stored] = await query('SELECT phone, time_zone, birthday::text, tags FROM contacts WHERE first_name = $1', [
      'Omar',
    ]);
    expect(stored).toEqual({
      phone: '+13125550199',
      time_zone: 'America/Chicago',
      birthday: '1985-02-28',
      tags: ['wholesale', 'events'],
    });
    // Newest first: Omar heads the directory.
    await page.getByRole('button', { name: 'Directory' }).click();
    await page.locator('.ct-row').first().filter({ hasText: 'Omar Haddad' }).waitFor();
  });

  it('erases a contact after asking once more; the directory no longer has them', async () => {
    await page.locator('.ct-row', { hasText: 'Omar Haddad' }).click();
    await page.locator('.ct-contact h2', { hasText: 'Omar Haddad' }).waitFor();
    const id = (await query<{ id: string }>("SELECT id FROM contacts WHERE first_name = 'Omar'"))[0].id;
    await page.getByRole('button', { name: 'Erase' }).click();
    await page.locator('.erase .warn', { hasText: 'cannot be undone' }).waitFor();
    await page.getByRole('button', { name: 'Erase for good' }).click();
    await page.locator('.ct-directory').waitFor();
    await page.locator('.ct-row').nth(49).waitFor();
    expect(await page.locator(`.ct-row[data-id="${id}"]`).count()).toBe(0);
    expect((await api(hub, 'GET', `/contacts/${id}`, { as: manager.session })).status).toBeGreaterThanOrEqual(400);
  });

  it('shows an agent only the contacts of conversations they may see, and no import or segments', async () => {
    const agent = await createUser(hub, 'agent', ['billing']);
    await query('UPDATE conversations SET team = $2 WHERE id = $1', [nia.conversationId, 'billing']);
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const agentPage = await context.newPage();
    await signIn(agentPage, agent);
    await agentPage.getByRole('tab', { name: 'Contacts' }).click();
    const visible = await directory(agent, { limit: '50' });
    expect(visible).toContain(nia.id);
    expect(visible.length).toBeLessThan(10);
    await waitForRows(visible.length, agentPage);
    expect(await rowIds(agentPage)).toEqual(visible);
    for (const name of ['New contact', 'Import', 'Segments']) {
      expect(await agentPage.getByRole('button', { name }).count()).toBe(0);
    }
    await agentPage.locator(`.ct-row[data-id="${nia.id}"]`).click();
    await agentPage.locator('.ct-contact h2', { hasText: 'Nia Okoye' }).waitFor();
    expect(await agentPage.getByRole('button', { name: 'Erase' }).count()).toBe(0);
    expect(await agentPage.getByRole('tab', { name: 'Feedback' }).count()).toBe(0);
    await context.close();
  });

  it('fits a phone: the table scrolls inside its card, a contact’s page stacks', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const phone = await context.newPage();
    await signIn(phone, manager);
    await phone.getByRole('tab', { name: 'Contacts' }).click();
    await phone.locator('.ct-row').first().waitFor();
    expect((await phone.evaluate('document.documentElement.scrollWidth')) as number).toBeLessThanOrEqual(390);
    await phone.locator(`.ct-row[data-id="${nia.id}"]`).click();
    await phone.locator('.ct-contact h2', { hasText: 'Nia Okoye' }).waitFor();
    expect((await phone.evaluate('document.documentElement.scrollWidth')) as number).toBeLessThanOrEqual(390);
    await context.close();
  });
});
