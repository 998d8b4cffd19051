import { chromium, type Browser } from 'playwright-core';
import { startHubsSharingDatabase, type TestApp } from '../helpers/test-app';
import { PrivatePostgres } from '../operations/private-postgres';

/**
 * What an agent sees when the hub loses its database: the socket stays up, so only the hub can
 * say it, and the top bar shows "reconnecting…" until the database is back — then "live" again,
 * without a reload.
 */
jest.setTimeout(150_000);

const ADMIN = { email: 'admin@rapport.local', password: 'demo-admin-password' };

let postgres: PrivatePostgres;
let hub: TestApp;
let browser: Browser;

beforeAll(async () => {
  postgres = await PrivatePostgres.start();
  const [started] = await startHubsSharingDatabase(postgres.url, 1, {
    RAPPORT_SEED_DEMO: 'true',
    RAPPORT_ADMIN_PASSWORD: ADMIN.password,
  });
  hub = { ...started, close: () => started.app.close() };
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
});
afterAll(async () => {
  await browser?.close();
  await hub?.close();
  await postgres?.destroy();
});

describe('the inbox while the database is away', () => {
  it('shows reconnecting during the outage and live again after it, by itself', async () => {
    const page = await browser.newPage();
    await page.goto(`${hub.url}/inbox`);
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('.connection.on').waitFor();

    await postgres.stop();
    const indicator = page.locator('.connection.off');
    await indicator.waitFor({ timeout: 20_000 });
    expect(await indicator.textContent()).toContain('reconnecting');

    await postgres.start();
    await page.locator('.connection.on').waitFor({ timeout: 20_000 });
    // The list is fetched afresh on return: the demo conversations are still shown.
    expect(await page.locator('.conv').count()).toBeGreaterThan(0);
  });
});
