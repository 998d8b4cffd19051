import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { api, createUser, type TestUser } from '../helpers/inbox-client';
import { startTestApp, type TestApp } from '../helpers/test-app';

/**
 * The import wizard in real headless Chromium against the real hub's import: choose a file, see
 * the detected mapping and the first rows, change the mapping, dry run, import with the progress
 * bar following the job, and download the refused rows. RAPPORT_SCREENSHOTS=docs refreshes
 * docs/import-wizard.png.
 */
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];
const SHOTS = process.env.RAPPORT_SCREENSHOTS
  ? path.resolve(process.env.RAPPORT_SCREENSHOTS)
  : path.resolve('test-results', 'screenshots');
const ROWS = 3000;
/** Rows the hub must refuse: a phone that is no number and no email, an email that is none. */
const BAD = new Map([
  [700, { phone: '12', email: '' }],
  [1500, { phone: '', email: 'not-an-email' }],
  [2900, { phone: 'call me', email: '' }],
]);

interface Status {
  status: string;
  rows: number;
  processed: number;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
}

let hub: TestApp;
let browser: Browser;
let manager: TestUser;
let page: Page;

/** A shop's export: its own header names, a loyalty figure, a note nobody wants as an attribute. */
function customersCsv(): string {
  const lines = [
    'Customer ID,First Name,Last Name,Mobile,E-mail,Tags,Loyalty Points,SMS Consent,Consent Source,Consent At,Notes',
  ];
  for (let n = 1; n <= ROWS; n++) {
    const bad = BAD.get(n);
    const phone = bad ? bad.phone : `+1646555${String(n).padStart(4, '0')}`;
    const email = bad ? bad.email : `reader${n}@example.com`;
    const consent = n % 2 === 0 ? 'opted_in' : '';
    lines.push(
      [
        `C-${n}`,
        `Reader${n}`,
        n % 3 === 0 ? 'Ng' : 'Silva',
        phone,
        email,
        n % 5 === 0 ? 'vip;newsletter' : 'newsletter',
        String(n % 500),
        consent,
        consent ? 'checkout form' : '',
        consent ? '2026-03-01' : '',
        `"called on ${(n % 28) + 1} March, said ""later"""`,
      ].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  hub = await startTestApp({});
  manager = await createUser(hub, 'manager');
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await hub?.close();
});

const contactCount = async (): Promise<number> =>
  Number((await hub.app.store.dataSource.query('SELECT count(*)::int AS n FROM contacts'))[0].n);

/** Every job status the page received while it followed the import `id`. */
function statusesSeen(target: Page): { of(id: string): Status[] } {
  const seen: { url: string; body: Status }[] = [];
  target.on('response', (response) => {
    if (!/\/api\/contacts\/imports\/[\w-]+$/.test(response.url())) return;
    void response.json().then((body: Status) => seen.push({ url: response.url(), body }));
  });
  return { of: (id) => seen.filter((entry) => entry.url.endsWith(id)).map((entry) => entry.body) };
}

describe('the import wizard in a browser', () => {
  it('shows the detected mapping and the first rows, dry-runs, imports with live progress, and gives the errors back', async () => {
    const statuses = statusesSeen(page);
    await page.goto(`${hub.url}/inbox`);
    await page.getByLabel('Email').fill(manager.email);
    await page.getByLabel('Password').fill(manager.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('tab', { name: 'Contacts' }).click();
    await page.locator('.ct-page .ct-bar').getByRole('button', { name: 'Import' }).click();

    const csv = customersCsv();
    await page
      .getByLabel('CSV file')
      .setInputFiles({ name: 'customers.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    const wizard = page.locator('.import-wizard');
    await wizard.locator('.iw-preview tbody tr').nth(4).waitFor();
    // The hub's reading of the headers: aliases, and attributes for what is no field.
    const detected = {
      'Customer ID': 'external_id',
      'First Name': 'first_name',
      'Last Name': 'last_name',
      Mobile: 'phone',
      'E-mail': 'email',
      Tags: 'tags',
      'Loyalty Points': 'attribute:loyalty_points',
      'SMS Consent': 'sms_consent',
      'Consent Source': 'consent_source',
      'Consent At': 'consent_at',
      Notes: 'attribute:notes',
    };
    for (const [column, field] of Object.entries(detected)) {
      expect(await wizard.getByLabel(`Column ${column}`).inputValue()).toBe(field);
    }
    expect(await wizard.locator('.iw-preview tbody tr').count()).toBe(5);
    expect(await wizard.locator('.iw-preview tbody tr').first().locator('td').allTextContents()).toEqual(
      csv
        .split('\n')[1]
        .replace(/,"called.*$/, '')
        .split(',')
        .concat('called on 2 March, said "later"'),
    );
    await wizard
      .locator('.iw-preview thead th', { hasText: 'Loyalty Points' })
      .locator('small', { hasText: 'number' })
      .waitFor();

    // The notes stay out.
    await wizard.getByLabel('Column Notes').selectOption('ignore');
    const before = await contactCount();
    await wizard.getByRole('button', { name: 'Dry run' }).click();
    await wizard.locator('.iw-progress[data-status="done"]').waitFor({ timeout: 60_000 });
    const dryRun = (await wizard.locator('.iw-progress').getAttribute('data-job'))!;
    const checked = (await api<Status>(hub, 'GET', `/contacts/imports/${dryRun}`, { as: manager.session })).body;
    expect(checked).toMatchObject({ status: 'done', rows: ROWS, created: ROWS - BAD.size, failed: BAD.size });
    expect(await wizard.locator('[data-count="created"]').textContent()).toBe(
      (ROWS - BAD.size).toLocaleString('en-US'),
    );
    expect(await wizard.locator('.headline').textContent()).toContain('nothing changed');
    expect(await contactCount()).toBe(before);

    await wizard.getByRole('button', { name: 'Import for real' }).click();
    await wizard.locator('.iw-progress:not([data-job="' + dryRun + '"])').waitFor();
    const job = (await wizard.locator('.iw-progress').getAttribute('data-job'))!;
    await wizard.locator('.iw-progress[data-status="done"]').waitFor({ timeout: 60_000 });
    const final = (await api<Status>(hub, 'GET', `/contacts/imports/${job}`, { as: manager.session })).body;
    expect(final).toMatchObject({
      status: 'done',
      rows: ROWS,
      processed: ROWS,
      created: ROWS - BAD.size,
      failed: BAD.size,
    });
    for (const key of ['created', 'updated', 'unchanged', 'failed'] as const) {
      expect(await wizard.locator(`[data-count="${key}"]`).textContent()).toBe(final[key].toLocaleString('en-US'));
    }
    expect(await wizard.locator('progress').evaluate((bar) => (bar as unknown as { value: number }).value)).toBe(1);
    expect(await contactCount()).toBe(before + ROWS - BAD.size);
    // The page followed the job until it ended, progress never going backwards.
    const seen = statuses.of(job);
    expect(seen.length).toBeGreaterThanOrEqual(1);
    expect(seen[seen.length - 1].status).toBe('done');
    const processed = seen.map((status) => status.processed);
    expect(processed).toEqual([...processed].sort((a, b) => a - b));
    // What the mapping said: points typed as numbers, notes left out, consent with its source.
    const [reader] = await hub.app.store.dataSource.query(
      "SELECT c.attributes, c.tags, s.status, s.source FROM contacts c JOIN consents s ON s.contact_id = c.id WHERE c.external_id = 'C-10'",
    );
    expect(reader.attributes).toEqual({ loyalty_points: 10 });
    expect(reader.tags).toEqual(['vip', 'newsletter']);
    expect(reader.status).toBe('opted_in');

    // The refused rows, as they were sent, with the reason.
    const link = wizard.getByRole('link', { name: /Download the 3 refused rows/ });
    const href = (await link.getAttribute('href'))!;
    const errors = await page.context().request.get(new URL(href, hub.url).href);
    expect(errors.status()).toBe(200);
    const lines = (await errors.text()).trim().split(/\r?\n/);
    expect(lines).toHaveLength(1 + BAD.size);
    expect(lines[0]).toMatch(/,error$/);
    expect(lines.slice(1).map((line) => line.split(',')[0])).toEqual(['C-700', 'C-1500', 'C-2900']);

    await page.locator('.ct-page').evaluate((node) => node.scrollTo(0, 0));
    await page.screenshot({ path: path.join(SHOTS, 'import-wizard.png'), fullPage: false });
  });

  it('shows the hub’s refusal of a file that is no CSV', async () => {
    await page
      .getByLabel('CSV file')
      .setInputFiles({ name: 'empty.csv', mimeType: 'text/csv', buffer: Buffer.from('') });
    await page.locator('.import-wizard .form-error:not(:empty)').waitFor();
    expect(await page.locator('.import-wizard .iw-preview').count()).toBe(0);
  });
});
