import { chromium, type Browser, type Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../helpers/test-app';

// Finding 9: one Content-Security-Policy (helmet) on every page; the pages still work under it
// in a real browser, with no CSP violation.

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];

let hub: TestApp;
let browser: Browser;
beforeAll(async () => {
  hub = await startTestApp();
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await hub?.close();
});

/** Opens `path` and collects what the browser refused under the page's CSP. */
async function open(path: string): Promise<{ page: Page; violations: string[] }> {
  const page = await browser.newPage();
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  await page.goto(`${hub.url}${path}`, { waitUntil: 'load' });
  return { page, violations };
}

describe('pages under the hub CSP, in Chromium', () => {
  it('renders /api/docs with its stylesheet and no violation', async () => {
    const { page, violations } = await open('/api/docs');
    const font = (await page.evaluate('getComputedStyle(document.body).fontFamily')) as string;
    expect(font).toContain('system-ui');
    expect(await page.locator('section').count()).toBeGreaterThan(10);
    expect(violations).toEqual([]);
    await page.close();
  });

  it('shows the web chat widget on the demo page with no violation', async () => {
    const { page, violations } = await open('/');
    await page.waitForFunction('Boolean(window.__rapportWidget && window.__rapportWidget.socket)');
    expect(violations).toEqual([]);
    await page.close();
  });

  it('loads the inbox sign-in page with no violation', async () => {
    const { page, violations } = await open('/inbox');
    await page.waitForSelector('input[type="password"]');
    expect(violations).toEqual([]);
    await page.close();
  });
});
