import { chromium, type Browser, type Page } from 'playwright-core';
import { seedFeedback } from '../helpers/feedback-seed';
import { api, signIn as apiSignIn } from '../helpers/inbox-client';
import { inboundSms } from '../helpers/inbox-fixtures';
import { startTestApp, type TestApp } from '../helpers/test-app';

/**
 * The inbox's icons render on any machine: they are inline SVG, never emoji or symbol glyphs,
 * which come out as empty boxes where the machine has no emoji font (as the README's
 * screenshots once showed). Checked on the rendered shell in real Chromium: its text, its
 * controls' attributes and its stylesheet's generated content.
 */
const ADMIN = { email: 'admin@rapport.local', password: 'demo-admin-password' };
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];
const DAY = 86_400_000;

/**
 * Emoji and the symbol blocks that only emoji or symbol fonts carry: arrows, technical symbols,
 * geometric shapes, miscellaneous symbols and dingbats, and the emoji presentation selector.
 * Typographic punctuation (– — … · × ‹ “ ”) is in every text font and stays allowed.
 */
const PICTOGRAPH =
  '[\\p{Extended_Pictographic}\\u{2190}-\\u{21FF}\\u{2300}-\\u{23FF}\\u{25A0}-\\u{25FF}\\u{2600}-\\u{27BF}\\u{2B00}-\\u{2BFF}\\u{FE0F}]';

/** What customers and the bot wrote is theirs to fill with emoji; the shell around it is ours. */
const CONTENT = '.msg .body, .conv-preview, .comment, .fb-log .body';

let hub: TestApp;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  hub = await startTestApp({ RAPPORT_SEED_DEMO: 'true', RAPPORT_ADMIN_PASSWORD: ADMIN.password });
  await seedFeedback(hub.app.store.dataSource, { records: 40, start: new Date(Date.now() - 20 * DAY), days: 19 });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  page = await (await browser.newContext({ viewport: { width: 1366, height: 800 } })).newPage();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await hub?.close();
});

/**
 * Every pictograph in the page outside customer content, with where it was found. Run in the
 * page (as source text: this project's TypeScript has no DOM types outside src/web).
 */
async function pictographs(target: Page): Promise<string[]> {
  return target.evaluate(`(() => {
    const found = [];
    const test = (where, text) => {
      const match = text && text.match(new RegExp(${JSON.stringify(PICTOGRAPH)}, 'gu'));
      if (match) found.push(where + ': ' + match.join(' ') + ' in "' + text + '"');
    };
    const shell = document.body.cloneNode(true);
    for (const node of shell.querySelectorAll(${JSON.stringify(CONTENT)})) node.remove();
    // textContent, not innerText: the hidden pages and dialogs count too.
    test('text', shell.textContent);
    for (const node of shell.querySelectorAll('[title], [placeholder], [aria-label], [value]')) {
      for (const name of ['title', 'placeholder', 'aria-label', 'value']) test(name, node.getAttribute(name));
    }
    for (const sheet of document.styleSheets) {
      for (const rule of sheet.cssRules) if (rule.style) test('css ' + rule.selectorText, rule.style.content);
    }
    return found;
  })()`);
}

describe('icons in the inbox', () => {
  it('are inline SVG: no emoji or symbol glyph in the inbox, Contacts or Feedback', async () => {
    // A bot-handled conversation, and a reply of each delivery state in Maya's.
    await inboundSms(hub, 'Do you have signed copies?');
    const session = await apiSignIn(hub, ADMIN.email, ADMIN.password);
    const [maya]: { id: string }[] = await hub.app.store.dataSource.query(
      "SELECT c.id FROM conversations c JOIN contacts p ON p.id = c.contact_id WHERE p.phone = '+14155550123'",
    );
    const reply = async (text: string) =>
      (await api<{ id: string }>(hub, 'POST', `/conversations/${maya.id}/messages`, { as: session, body: { text } }))
        .body.id;
    const delivered = await reply('See you on Thursday');
    const failed = await reply('And a flat white it is');
    await hub.app.statuses.advance(delivered, { status: 'delivered' });
    await hub.app.statuses.advance(failed, { status: 'failed', errorCode: '30007' });
    const feedback = await api<{ items: { id: string }[] }>(hub, 'GET', '/feedback?limit=5', { as: session });
    await api(hub, 'POST', `/feedback/${feedback.body.items[0].id}/review`, { as: session, body: { reviewed: true } });

    await page.goto(`${hub.url}/inbox`);
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('.connection.on svg.icon-dot').waitFor();
    await page.locator('.conv .conv-meta svg.icon-bot').first().waitFor();
    await page.locator(`.conv[data-id="${maya.id}"]`).click();
    await page.locator(`.msg[data-id="${delivered}"] .tick-delivered svg.icon-checks`).waitFor();
    await page.locator(`.msg[data-id="${failed}"] .tick-failed svg.icon-alert`).waitFor();
    await page.locator('.thread-head .handler svg').waitFor();
    expect(await pictographs(page)).toEqual([]);

    await page.getByRole('tab', { name: 'Feedback' }).click();
    await page.locator('.fb-row .pill.reviewed svg.icon-check').waitFor();
    await page.locator('.terms.negative h4 svg.icon-thumbsDown').waitFor();
    await page.locator('a.export svg.icon-download').waitFor();
    expect(await pictographs(page)).toEqual([]);
    // Decorative icons add nothing to what a screen reader or a text search finds.
    expect(((await page.locator('a.export').textContent()) ?? '').trim()).toBe('Export CSV');
    expect(await page.locator('svg.icon[aria-hidden="true"]').count()).toBeGreaterThan(5);

    await page.getByRole('tab', { name: 'Contacts' }).click();
    await page.locator('.ct-page .ct-bar .ct-nav svg.icon-users').waitFor();
    await page.locator('.ct-page .ct-bar .ct-nav', { hasText: 'Segments' }).click();
    await page.locator('.segments .sb-editor').waitFor();
    expect(await pictographs(page)).toEqual([]);
  });

  it('finds a pictograph when there is one (the check is not blind)', async () => {
    await page.evaluate(`(() => {
      const probe = document.createElement('span');
      probe.className = 'probe';
      probe.textContent = '\\u{1F916} bot \\u2713';
      document.body.appendChild(probe);
    })()`);
    const found = await pictographs(page);
    expect(found).toHaveLength(1);
    expect(found[0]).toContain('\u{1F916} \u2713');
    await page.evaluate("document.querySelector('.probe').remove()");
  });
});
