import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { knownSmsContact } from '../helpers/inbox-fixtures';
import { api, createUser, type TestUser } from '../helpers/inbox-client';
import type { TestApp } from '../helpers/test-app';
import { startHubWithFlows } from '../flows-runtime/hub-with-flows';

/**
 * The managers' Experiments view in real headless Chromium against the real hub: a flow split
 * run over six days (exposures through POST /api/events, dated back), conversions, a decision.
 * RAPPORT_SCREENSHOTS=docs refreshes the README's screenshot (docs/experiments.png).
 */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-sync',
];
const SHOTS = process.env.RAPPORT_SCREENSHOTS
  ? path.resolve(process.env.RAPPORT_SCREENSHOTS)
  : path.resolve('test-results', 'screenshots');
const API_KEY = 'experiments-browser-key-0123456789';
const FLOW = `
id: welcome-offer
name: Welcome offer
triggers:
  - type: event
    event: signup.completed
steps:
  - id: offer
    type: split
    goal: { event: order.placed, withinDays: 7 }
    variants:
      - { name: control, goto: plain }
      - { name: coupon, goto: coupon_text }
  - id: plain
    type: end
    text: Welcome aboard!
  - id: coupon_text
    type: end
    text: Welcome aboard! Here is 10% off.
`;

let hub: TestApp;
let browser: Browser;
let manager: TestUser;
let agent: TestUser;
let page: Page;
let experimentId: string;

async function postEvents(events: { contactId: string; name: string }[]): Promise<void> {
  const response = await fetch(`${hub.url}/api/events/batch`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` },
    body: JSON.stringify({ events }),
  });
  expect(response.status).toBe(200);
  await hub.app.bus.drain();
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  hub = await startHubWithFlows({ 'welcome-offer.yaml': FLOW }, { RAPPORT_API_KEY: API_KEY });
  await hub.app.experiments.stop();
  manager = await createUser(hub, 'manager');
  agent = await createUser(hub, 'agent');
  const ids: string[] = [];
  for (let i = 0; i < 120; i++) {
    ids.push(await knownSmsContact(hub, `+1415555${String(2000 + i)}`, { firstName: `B${i}` }));
  }
  await postEvents(ids.map((contactId) => ({ contactId, name: 'signup.completed' })));
  // Spread the exposures over the last six days, so the lift has a history to chart.
  await hub.app.store.dataSource.query(
    `UPDATE flow_exposures SET created_at = now() - make_interval(days => (abs(hashtext(contact_id::text)) % 6) + 1)
      WHERE flow_id = 'welcome-offer'`,
  );
  const exposures: { contact_id: string; variant: string }[] = await hub.app.store.dataSource.query(
    "SELECT contact_id, variant FROM flow_exposures WHERE flow_id = 'welcome-offer' ORDER BY contact_id",
  );
  const buyers = [
    ...exposures.filter((row) => row.variant === 'coupon').filter((_, i) => i % 4 !== 0),
    ...exposures.filter((row) => row.variant === 'control').filter((_, i) => i % 6 === 0),
  ];
  await postEvents(buyers.map((row) => ({ contactId: row.contact_id, name: 'order.placed' })));
  const { body } = await api<{ items: { id: string; flowId: string }[] }>(hub, 'GET', '/experiments', {
    as: manager.session,
  });
  experimentId = body.items.find((item) => item.flowId === 'welcome-offer')!.id;
  await api(hub, 'PUT', `/experiments/${experimentId}/goals`, {
    as: manager.session,
    body: { minSamplePerArm: 20, autoRollout: false },
  });
  await hub.app.experiments.loop.runOnce();
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
}, 180_000);
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

interface Variant {
  name: string;
  exposed: number;
  conversions: number;
  rate: number;
}

describe('the Experiments page in a browser', () => {
  it('shows a manager the arms, the decision and the lift over time as the API computes them', async () => {
    await signIn(page, manager);
    await page.getByRole('tab', { name: 'Experiments' }).click();
    const card = page.locator(`[data-experiment="${experimentId}"]`);
    await card.waitFor();
    const { body } = await api<{ variants: Variant[]; decision: { status: string; winner?: string; reason: string } }>(
      hub,
      'GET',
      `/experiments/${experimentId}`,
      { as: manager.session },
    );
    expect(body.decision).toMatchObject({ status: 'winner', winner: 'coupon' });
    expect(await card.getAttribute('data-status')).toBe('winner');
    expect((await card.locator('.ex-reason').textContent())?.trim()).toBe(body.decision.reason);
    for (const variant of body.variants) {
      const row = card.locator(`tr[data-variant="${variant.name}"]`);
      expect(await row.locator('td').nth(0).textContent()).toBe(String(variant.exposed));
      expect(await row.locator('td').nth(1).textContent()).toBe(String(variant.conversions));
      expect(await row.locator('.ex-rate').textContent()).toBe(`${(variant.rate * 100).toFixed(1)}%`);
    }
    // Six days of history: one point per day, and the band around them.
    expect(await card.locator('.ex-point').count()).toBe(6);
    expect(await card.locator('polygon.ex-seq').count()).toBe(1);
    expect(await card.locator('a.export').getAttribute('href')).toBe(`/api/experiments/${experimentId}/export.csv`);
    await page.screenshot({ path: path.join(SHOTS, 'experiments.png'), fullPage: false });
  });

  it('rolls a variant out by hand from the page', async () => {
    const card = page.locator(`[data-experiment="${experimentId}"]`);
    await card.getByLabel('Variant to roll out').selectOption('coupon');
    await card.getByRole('button', { name: 'Roll out' }).click();
    await page.locator(`[data-experiment="${experimentId}"] .ex-rolled`).waitFor();
    const { body } = await api<{ rollout: { variant: string; source: string } }>(
      hub,
      'GET',
      `/experiments/${experimentId}`,
      { as: manager.session },
    );
    expect(body.rollout).toMatchObject({ variant: 'coupon', source: 'manual' });
  });

  it('gives agents no Experiments tab', async () => {
    const other = await browser.newPage();
    await signIn(other, agent);
    expect(await other.getByRole('tab', { name: 'Experiments' }).count()).toBe(0);
    await other.close();
  });
});
