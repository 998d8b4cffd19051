import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { seedFeedback } from '../helpers/feedback-seed';
import { api, createUser, type TestUser } from '../helpers/inbox-client';
import { startTestApp, type TestApp } from '../helpers/test-app';

/**
 * The managers' Feedback view in real headless Chromium against the real hub, on 300 seeded
 * ratings of the last 60 days. RAPPORT_SCREENSHOTS=docs refreshes the README's screenshot
 * (docs/feedback-dashboard.png), as in inbox.browser.test.ts.
 */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const TIME_ZONE = 'America/New_York';
const DAY = 86_400_000;
const SHOTS = process.env.RAPPORT_SCREENSHOTS
  ? path.resolve(process.env.RAPPORT_SCREENSHOTS)
  : path.resolve('test-results', 'screenshots');

interface Dashboard {
  csat: { responses: number; satisfied: number; score: number | null };
  nps: { responses: number; promoters: number; passives: number; detractors: number; score: number | null };
  responseRate: { rate: number | null };
  breakdowns: { tag: { key: string }[] };
}

let hub: TestApp;
let browser: Browser;
let manager: TestUser;
let agent: TestUser;
let page: Page;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  hub = await startTestApp({});
  await seedFeedback(hub.app.store.dataSource, { records: 300, start: new Date(Date.now() - 60 * DAY), days: 59 });
  manager = await createUser(hub, 'manager');
  agent = await createUser(hub, 'agent');
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, timezoneId: TIME_ZONE });
  page = await context.newPage();
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

const text = async (selector: string) => ((await page.locator(selector).first().textContent()) ?? '').trim();
const signed = (score: number | null) =>
  score === null ? '–' : `${score > 0 ? '+' : score < 0 ? '−' : ''}${Math.abs(score)}`;

describe('feedback review for managers in a browser', () => {
  it('shows a manager the same CSAT and NPS as the API, for the last 90 days in their time zone', async () => {
    await signIn(page, manager);
    await page.getByRole('tab', { name: 'Feedback' }).click();
    await page.locator('[data-kpi="csat"] .figure').waitFor();
    await page.locator('.fb-terms .chip').first().waitFor();
    await page.locator('.fb-row').first().waitFor();

    const href = await page.locator('a.export').getAttribute('href');
    const query = new URL(href ?? '', hub.url).searchParams;
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE }).format(new Date());
    expect(query.get('timeZone')).toBe(TIME_ZONE);
    expect(query.get('to')).toBe(today);
    expect((Date.parse(query.get('to')!) - Date.parse(query.get('from')!)) / DAY).toBe(89);

    const { status, body } = await api<Dashboard>(hub, 'GET', `/feedback/dashboard?${query}`, { as: manager.session });
    expect(status).toBe(200);
    expect(body.csat.responses).toBeGreaterThan(50);
    expect(await text('[data-kpi="csat"] .figure')).toBe(`${body.csat.score}%`);
    expect(await text('[data-kpi="csat"] .detail')).toBe(`${body.csat.satisfied} of ${body.csat.responses} rated 4–5`);
    expect(await text('[data-kpi="nps"] .figure')).toBe(signed(body.nps.score));
    expect(await text('[data-kpi="nps"] [data-part="promoters"] strong')).toBe(String(body.nps.promoters));
    expect(await text('[data-kpi="nps"] [data-part="passives"] strong')).toBe(String(body.nps.passives));
    expect(await text('[data-kpi="nps"] [data-part="detractors"] strong')).toBe(String(body.nps.detractors));
    expect(await text('[data-kpi="response-rate"] .figure')).toBe(`${body.responseRate.rate}%`);
    expect(await page.locator('.fb-trend svg .series.csat circle').count()).toBeGreaterThanOrEqual(8);
    expect(await page.locator('[data-breakdown="by agent"] .bd-row').count()).toBe(3);
    // More tags than the eight shown: the rest are one click away, not silently dropped.
    const tags = page.locator('[data-breakdown="by tag"]');
    expect(body.breakdowns.tag.length).toBeGreaterThan(8);
    expect(await tags.locator('.bd-row:visible').count()).toBe(8);
    await tags.getByRole('button', { name: `Show all ${body.breakdowns.tag.length}` }).click();
    expect(await tags.locator('.bd-row:visible').count()).toBe(body.breakdowns.tag.length);
    await tags.getByRole('button', { name: 'Show the top 8' }).click();

    await page.locator('.fb-page').evaluate((node) => node.scrollTo(0, 0));
    await page.screenshot({ path: path.join(SHOTS, 'feedback-dashboard.png') });
  });

  it('filters to detractors, opens a thread and assigns a follow-up that lands in the agent’s inbox', async () => {
    await page.getByRole('button', { name: 'Detractors' }).click();
    await page.locator('a.export[href*="detractors=true"]').waitFor();
    const query = new URL((await page.locator('a.export').getAttribute('href')) ?? '', hub.url).searchParams;
    expect(query.get('detractors')).toBe('true');
    query.set('limit', '30');
    const expected = await api<{ items: { id: string; kind: string; score: number }[] }>(
      hub,
      'GET',
      `/feedback?${query}`,
      { as: manager.session },
    );
    const ids = expected.body.items.map((item) => item.id);
    expect(ids.length).toBeGreaterThan(0);
    expect(expected.body.items.every((item) => (item.kind === 'csat' ? item.score <= 2 : item.score <= 6))).toBe(true);
    await page.locator(`.fb-row[data-id="${ids[ids.length - 1]}"]`).waitFor();
    expect(await page.locator('.fb-row').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-id')))).toEqual(
      ids,
    );

    await page.locator(`.fb-row[data-id="${ids[0]}"]`).click();
    await page.locator('.fb-thread.open').waitFor();
    await page.getByLabel('Follow-up by').selectOption(agent.id);
    await page.getByRole('button', { name: 'Assign follow-up' }).click();
    await page.locator('.fb-thread .follow-up-state', { hasText: `agent` }).waitFor();
    await page.locator(`.fb-row[data-id="${ids[0]}"] .pill.follow-up`).waitFor();
    await page.getByLabel('Internal note').fill('Call her back about the late parcel');
    await page.getByRole('button', { name: 'Add note' }).click();
    await page.locator('.fb-log .msg.note', { hasText: 'Call her back' }).waitFor();
    await page.getByRole('button', { name: 'Mark reviewed' }).click();
    await page.locator(`.fb-row[data-id="${ids[0]}"] .pill.reviewed`).waitFor();

    const thread = await api<{ feedback: { conversationId: string; followUp: { userId: string } } }>(
      hub,
      'GET',
      `/feedback/${ids[0]}`,
      { as: manager.session },
    );
    expect(thread.body.feedback.followUp.userId).toBe(agent.id);
    const conversationId = thread.body.feedback.conversationId;

    const agentContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const agentPage = await agentContext.newPage();
    await signIn(agentPage, agent);
    // Assigned to this agent: it is in their "Mine" view, not just open for anyone.
    await agentPage.getByLabel('Assignee').selectOption('me');
    await agentPage.locator(`.conv[data-id="${conversationId}"]`).waitFor();
    await agentPage.waitForFunction("document.querySelectorAll('.conv').length === 1");
    await agentPage.locator(`.conv[data-id="${conversationId}"]`).click();
    await agentPage.locator('.pane-thread .msg.note', { hasText: 'Call her back' }).waitFor();
    expect(await agentPage.getByRole('tab', { name: 'Feedback' }).count()).toBe(0);
    expect(await agentPage.locator('.fb-page').count()).toBe(0);
    await agentContext.close();
  });

  it('shows a term’s comments when a standout term is clicked', async () => {
    const chip = page.locator('.terms.negative .chip').first();
    const term = (await chip.getAttribute('data-term')) ?? '';
    await chip.click();
    const count = Number(await chip.locator('.count').textContent());
    await page.locator('.term-banner', { hasText: term }).waitFor();
    // Every comment the term was counted in, a page of 30 at a time.
    await page.waitForFunction(`document.querySelectorAll('.fb-row').length === ${Math.min(count, 30)}`);
    const comments = await page.locator('.fb-row .comment').allTextContents();
    expect(comments.length).toBe(Math.min(count, 30));
    for (const comment of comments) expect(comment.toLowerCase()).toContain(term.split(' ')[0]);
  });

  it('fits a phone: the cards stack and an open thread replaces the list', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const phone = await context.newPage();
    await signIn(phone, manager);
    await phone.getByRole('tab', { name: 'Feedback' }).click();
    await phone.locator('.fb-row').first().waitFor();
    const width = (await phone.evaluate('document.documentElement.scrollWidth')) as number;
    expect(width).toBeLessThanOrEqual(390);
    await phone.locator('.fb-row').first().click();
    await phone.locator('.fb-thread.open').waitFor();
    expect(await phone.locator('.fb-list').isVisible()).toBe(false);
    await phone.locator('.fb-thread .back').click();
    await phone.locator('.fb-list').waitFor();
    await context.close();
  });
});
