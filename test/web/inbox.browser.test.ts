import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { api, createUser } from '../helpers/inbox-client';
import { eventually, inboundSms } from '../helpers/inbox-fixtures';
import { startTestApp, type TestApp } from '../helpers/test-app';

/**
 * The inbox and the widget in real headless Chromium against the real hub. Set
 * RAPPORT_SCREENSHOTS=docs to refresh the screenshots the README shows.
 */
const ADMIN = { email: 'admin@rapport.local', password: 'demo-admin-password' };
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

let hub: TestApp;
let browser: Browser;
let agentContext: BrowserContext;
let agent: Page;
const dialogs: string[] = [];

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  hub = await startTestApp({ RAPPORT_SEED_DEMO: 'true', RAPPORT_ADMIN_PASSWORD: ADMIN.password });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  agentContext = await browser.newContext({ viewport: { width: 1366, height: 800 } });
  agent = await agentContext.newPage();
  agent.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await hub?.close();
});

async function signIn(page: Page, on: TestApp = hub): Promise<void> {
  await page.goto(`${on.url}/inbox`);
  await page.getByLabel('Email').fill(ADMIN.email);
  await page.getByLabel('Password').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('.connection.on').waitFor();
}

async function openWidget(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 760 } });
  const page = await context.newPage();
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.goto(`${hub.url}/`);
  await page.locator('#rapport-webchat .launcher').click();
  await page.locator('#rapport-webchat textarea').waitFor();
  return page;
}

async function visitorSays(page: Page, text: string): Promise<void> {
  await page.locator('#rapport-webchat textarea').fill(text);
  await page.locator('#rapport-webchat textarea').press('Enter');
}

const thread = () => agent.locator('.pane-thread .log');

async function openConversationWith(text: string): Promise<void> {
  await agent.locator('.conv', { hasText: text }).first().click();
  await thread().locator('.msg', { hasText: text }).first().waitFor();
}

describe('the team inbox in a browser', () => {
  it('refuses a wrong password and signs in the demo admin', async () => {
    await agent.goto(`${hub.url}/inbox`);
    await agent.getByLabel('Email').fill(ADMIN.email);
    await agent.getByLabel('Password').fill('wrong-password');
    await agent.getByRole('button', { name: 'Sign in' }).click();
    await expectText(agent.locator('.login-error'), 'The email or password is not right');

    await signIn(agent);
    await agent.locator('.conv', { hasText: 'Maya Chen' }).waitFor();
  });

  it('shows a visitor’s message live, and the visitor receives the reply, with typing both ways', async () => {
    const visitor = await openWidget();
    await visitorSays(visitor, 'Hello, do you sell gift cards?');

    await agent.locator('.conv', { hasText: 'Hello, do you sell gift cards?' }).waitFor();
    await openConversationWith('Hello, do you sell gift cards?');
    await agent.locator('.handler.bot').waitFor();
    await agent.locator('.banner.bot').waitFor();

    // The widget announces typing once per burst (1.5 s quiet ends it); start a new burst.
    await visitor.waitForTimeout(1600);
    await visitor.locator('#rapport-webchat textarea').pressSequentially('One more', { delay: 20 });
    await expectText(agent.locator('.typing'), 'Customer is typing…');
    await agent.locator('.composer textarea').pressSequentially('We d', { delay: 20 });
    await expectText(visitor.locator('#rapport-webchat .typing'), 'is typing…');
    await agent.locator('.composer textarea').fill('We do — from £10, in store and online.');
    await agent.locator('.composer textarea').press('Enter');

    await visitor.locator('#rapport-webchat .msg.hub', { hasText: 'We do — from £10' }).waitFor();
    await thread().locator('.msg.out .tick-sent').first().waitFor();
    await agent.locator('.handler.human').waitFor();
    await visitor.locator('#rapport-webchat textarea').fill('');
    await visitor.screenshot({ path: path.join(SHOTS, 'widget.png') });
    await visitor.context().close();
  });

  it('shows markup and javascript: links in messages as inert text', async () => {
    const visitor = await openWidget();
    const markup = '<img src=x onerror=alert(1)>';
    const link = '[win a prize](javascript:alert(2)) javascript:alert(3)';
    await visitorSays(visitor, markup);
    await visitorSays(visitor, link);

    await agent.locator('.conv', { hasText: 'javascript:alert(3)' }).waitFor();
    await openConversationWith(link);
    await expectText(thread().locator('.msg .body').filter({ hasText: 'onerror' }), markup);
    expect(await thread().locator('img').count()).toBe(0);
    expect(await agent.locator('a[href^="javascript"]').count()).toBe(0);
    expect(await visitor.locator('#rapport-webchat img').count()).toBe(0);
    await agent.waitForTimeout(300);
    expect(dialogs).toEqual([]);
    await visitor.context().close();
  });

  it('links only http(s) attachments: a javascript: or data: attachment URL stays inert text', async () => {
    // Ingest refuses such URLs; the UI must not trust that every stored row passed through it.
    const { conversation, message } = await inboundSms(hub, 'Here are my files');
    const attachments = [
      { url: 'javascript:alert(4)', contentType: 'text/html', name: 'prize.html' },
      { url: 'data:text/html,<script>alert(5)</script>', contentType: 'text/html', name: 'data.html' },
      { url: 'https://files.example.com/receipt.pdf', contentType: 'application/pdf', name: 'receipt.pdf' },
    ];
    await hub.app.store.dataSource.query('UPDATE messages SET attachments = $2::jsonb WHERE id = $1', [
      message.id,
      JSON.stringify(attachments),
    ]);

    await agent.locator(`.conv[data-id="${conversation.id}"]`).click();
    const bubble = thread().locator(`.msg[data-id="${message.id}"]`);
    await bubble.locator('.file', { hasText: 'receipt.pdf' }).waitFor();
    expect(await bubble.locator('a.file').evaluateAll((links) => links.map((a) => a.getAttribute('href')))).toEqual([
      'https://files.example.com/receipt.pdf',
    ]);
    expect(await bubble.locator('span.file').allTextContents()).toEqual(['prize.html', 'data.html']);
    await bubble.locator('span.file', { hasText: 'prize.html' }).click();
    await agent.waitForTimeout(300);
    expect(dialogs).toEqual([]);
  });

  it('assigns a conversation, and writes a note the visitor never receives', async () => {
    const visitor = await openWidget();
    await visitorSays(visitor, 'Can someone check my order #1042?');
    await agent.locator('.conv', { hasText: 'order #1042' }).waitFor();
    await openConversationWith('order #1042');

    await agent.getByRole('button', { name: 'Assign to me' }).click();
    await expectText(agent.locator('.conv.selected .conv-meta'), 'Demo Admin');
    // The conversation just assigned, by its id, is the admin's.
    const conversationId = await agent.locator('.conv.selected').getAttribute('data-id');
    const [row] = await hub.app.store.dataSource.query(
      'SELECT u.email FROM conversations c JOIN users u ON u.id = c.assignee_id WHERE c.id = $1',
      [conversationId],
    );
    expect(row).toEqual({ email: ADMIN.email });

    await agent.locator('.thread-head .title').click();
    await agent.keyboard.press('n');
    await agent.locator('.composer.note-mode').waitFor();
    await agent.locator('.composer textarea').fill('Order 1042 shipped yesterday — only for us');
    await agent.locator('.composer textarea').press('Enter');
    await thread().locator('.msg.note', { hasText: 'only for us' }).waitFor();
    await agent.keyboard.press('Escape');

    await agent.locator('.composer .tab', { hasText: 'Reply' }).click();
    await agent.locator('.composer textarea').fill('It shipped yesterday!');
    await agent.locator('.composer textarea').press('Enter');
    await visitor.locator('#rapport-webchat .msg.hub', { hasText: 'It shipped yesterday!' }).waitFor();
    const seen = (await visitor.evaluate('window.__rapportWidget.messages.map((message) => message.text)')) as string[];
    expect(seen.join('\n')).not.toContain('only for us');
    await visitor.context().close();
  });

  it('catches up after a dropped connection: what it missed, each message once', async () => {
    const visitor = await openWidget();
    await visitorSays(visitor, 'Are you still there?');
    await agent.locator('.conv', { hasText: 'Are you still there?' }).waitFor();
    await openConversationWith('Are you still there?');
    await agent.locator('.composer textarea').fill('Yes, checking now');
    await agent.locator('.composer textarea').press('Enter');
    const reply = thread().locator('.msg.out', { hasText: 'Yes, checking now' });
    await reply.locator('.tick-sent').waitFor();
    const replyId = (await reply.getAttribute('data-id'))!;

    const reconnect = await dropConnection(agent, hub);
    await visitorSays(visitor, 'Sent while the agent was offline');
    const query = (sql: string, params: unknown[]) => hub.app.store.dataSource.query(sql, params);
    await eventually(async () =>
      expect(await query('SELECT 1 FROM messages WHERE body = $1', ['Sent while the agent was offline'])).toHaveLength(
        1,
      ),
    );
    await hub.app.statuses.advance(replyId, { status: 'delivered' });
    await query(
      "UPDATE conversations SET labels = '{vip}' WHERE id = (SELECT conversation_id FROM messages WHERE id = $1)",
      [replyId],
    );
    await inboundSms(hub, 'A new customer while the agent was offline');
    reconnect();

    await agent.locator('.connection.on').waitFor();
    await thread().locator('.msg', { hasText: 'Sent while the agent was offline' }).waitFor();
    await reply.locator('.tick-delivered').waitFor();
    await agent.locator('.thread-head .labels', { hasText: 'vip' }).waitFor();
    await agent.locator('.conv', { hasText: 'A new customer while the agent was offline' }).waitFor();
    await visitorSays(visitor, 'And one more after');
    await thread().locator('.msg', { hasText: 'And one more after' }).waitFor();

    expect(await thread().locator('.msg', { hasText: 'Sent while the agent was offline' }).count()).toBe(1);
    expect(await thread().locator('.msg', { hasText: 'Are you still there?' }).count()).toBe(1);
    expect(await thread().locator('.msg', { hasText: 'Yes, checking now' }).count()).toBe(1);
    await visitor.context().close();
  });

  it('counts unread messages live for this agent, whatever colleagues read', async () => {
    const from = '+14155550666';
    const { conversation } = await inboundSms(hub, 'Unread one', { from });
    const row = agent.locator('.conv', { hasText: 'Unread one' });
    await expectText(row.locator('.unread-count'), '1');
    await inboundSms(hub, 'Unread two', { from });
    await expectText(agent.locator('.conv', { hasText: 'Unread two' }).locator('.unread-count'), '2');

    // A colleague reads it: their count, not this agent's.
    const colleague = await createUser(hub, 'agent');
    await api(hub, 'POST', `/conversations/${conversation.id}/read`, { as: colleague.session });
    await inboundSms(hub, 'Unread three', { from });
    await expectText(agent.locator('.conv', { hasText: 'Unread three' }).locator('.unread-count'), '3');

    await agent.locator('.conv', { hasText: 'Unread three' }).click();
    await thread().locator('.msg', { hasText: 'Unread three' }).waitFor();
    await agent.locator('.conv.selected:not(.unread)').waitFor();
  });

  it('inserts canned responses in the composer: / offers them, arrows choose, Enter or Tab insert', async () => {
    const admin = await createUser(hub, 'admin');
    for (const canned of [
      { shortCode: 'hours', title: 'Opening hours', body: 'We are open 9 to 6, Monday to Saturday.' },
      { shortCode: 'hello', title: 'Greeting', body: 'Hello! How can we help today?' },
    ]) {
      expect((await api(hub, 'POST', '/canned-responses', { as: admin.session, body: canned })).status).toBe(201);
    }
    const page = await signedInPage();
    await page.locator('.conv', { hasText: 'Maya Chen' }).click();
    await page.locator('.pane-thread .msg', { hasText: 'mystery book club' }).waitFor();
    const composer = page.locator('.composer textarea');
    await composer.click();

    await composer.pressSequentially('/h');
    await eventually(async () => expect(await page.locator('.canned li').count()).toBe(2));
    await page.locator('.canned li', { hasText: '/hello' }).waitFor();
    const second = (await page.locator('.canned li').nth(1).textContent()) ?? '';
    await composer.press('ArrowDown');
    await page.locator('.canned li.active').nth(0).filter({ hasText: second }).waitFor();
    await composer.press('Enter');
    const inserted = second.includes('/hours')
      ? 'We are open 9 to 6, Monday to Saturday.'
      : 'Hello! How can we help today?';
    expect(await composer.inputValue()).toBe(inserted);
    expect(await page.locator('.canned li').count()).toBe(0);

    await composer.fill('');
    await composer.pressSequentially('/hou');
    await eventually(async () => expect(await page.locator('.canned li').count()).toBe(1));
    await composer.press('Tab');
    expect(await composer.inputValue()).toBe('We are open 9 to 6, Monday to Saturday.');
    await composer.press('Enter');
    await page.locator('.pane-thread .msg.out', { hasText: 'We are open 9 to 6' }).waitFor();
    await page.context().close();
  });

  it('answers the keyboard: j/k move, r/n switch the composer, a assigns, e resolves, / searches, ? helps', async () => {
    await inboundSms(hub, 'Keyboard customer one');
    await inboundSms(hub, 'Keyboard customer two');
    const page = await signedInPage();
    await page.locator('.conv', { hasText: 'Keyboard customer two' }).click();
    await page.locator('.pane-thread .msg', { hasText: 'Keyboard customer two' }).waitFor();
    const selected = () => page.locator('.conv.selected').getAttribute('data-id');
    const rows = () => page.locator('.conv').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-id')));

    const first = await selected();
    const order = await rows();
    await page.keyboard.press('j');
    await eventually(async () => expect(await selected()).toBe(order[order.indexOf(first) + 1]));
    await page.keyboard.press('k');
    await eventually(async () => expect(await selected()).toBe(first));
    await page.locator('.pane-thread .msg', { hasText: 'Keyboard customer two' }).waitFor();

    await page.keyboard.press('n');
    await page.locator('.composer.note-mode').waitFor();
    await page.keyboard.press('Escape');
    await page.keyboard.press('r');
    await page.locator('.composer:not(.note-mode) .tab.active', { hasText: 'Reply' }).waitFor();
    await page.keyboard.press('Escape');

    await page.keyboard.press('a');
    await expectText(page.locator('.conv.selected .conv-meta'), 'Demo Admin');
    await page.keyboard.press('e');
    await page.locator('.thread-head .status-resolved').waitFor();
    await page.keyboard.press('e');
    await page.locator('.thread-head .status-open').waitFor();
    // The page may show the change as it sends it: the stored state is awaited, not raced.
    await eventually(async () => {
      const [row] = await hub.app.store.dataSource.query(
        'SELECT c.status, u.email FROM conversations c JOIN users u ON u.id = c.assignee_id WHERE c.id = $1',
        [first],
      );
      expect(row).toEqual({ status: 'open', email: ADMIN.email });
    });

    await page.keyboard.press('?');
    await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
    await page.keyboard.press('?');
    await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor({ state: 'hidden' });
    await page.keyboard.press('/');
    expect(await page.evaluate('document.activeElement?.getAttribute("aria-label")')).toBe('Search conversations');
    await page.keyboard.type('Keyboard customer one');
    // The open conversation stays in the list; the search leaves one other.
    const others = page.locator('.conv:not(.selected)');
    await eventually(async () =>
      expect(await others.allTextContents()).toEqual([expect.stringContaining('customer one')]),
    );
    await page.context().close();
  });

  it("shows the contact's other channels, flow answers, feedback and consent as readable text", async () => {
    const query = (sql: string, params: unknown[] = []) => hub.app.store.dataSource.query(sql, params);
    const [maya] = await query("SELECT id FROM contacts WHERE display_name = 'Maya Chen'");
    const [conversation] = await query("SELECT id FROM conversations WHERE contact_id = $1 AND channel = 'sms'", [
      maya.id,
    ]);
    // Maya also writes on WhatsApp from the same number: one contact, another channel.
    await hub.app.ingest.ingest({
      channel: 'whatsapp',
      from: '+14155550123',
      providerMessageId: 'SM-maya-whatsapp',
      text: 'Also on WhatsApp now',
    });
    await query("INSERT INTO flow_versions (flow_id, version, source) VALUES ('welcome', 'v-test', 'id: welcome')");
    await query(
      `INSERT INTO flow_runs (conversation_id, contact_id, flow_id, flow_version, status, answers, ended_at)
       VALUES ($1, $2, 'welcome', 'v-test', 'done', $3::jsonb, now())`,
      [conversation.id, maya.id, JSON.stringify({ favourite_genre: 'mystery', wants_newsletter: true })],
    );
    await query(
      `INSERT INTO feedback (contact_id, conversation_id, channel, kind, score, comment, sentiment_label)
       VALUES ($1, $2, 'sms', 'csat', 5, 'Lovely book club!', 'positive')`,
      [maya.id, conversation.id],
    );
    await query(
      "INSERT INTO consents (contact_id, channel, status, source) VALUES ($1, 'sms', 'opted_in', 'keyword') ON CONFLICT DO NOTHING",
      [maya.id],
    );

    await agent.locator('.conv', { hasText: 'Maya Chen' }).filter({ hasText: 'sms' }).first().click();
    const panel = agent.locator('.pane-contact');
    await panel.locator('.identities li', { hasText: 'whatsapp' }).waitFor();
    await expectText(panel.locator('.identities'), '+14155550123');
    await expectText(panel.locator('.others'), 'Also on WhatsApp now');
    await expectText(panel.locator('.section-flowAnswers'), 'welcome · finished');
    await expectText(panel.locator('.section-flowAnswers dt'), 'favourite genre');
    await expectText(panel.locator('.section-flowAnswers dd'), 'mystery');
    await expectText(panel.locator('.section-flowAnswers dd'), 'yes');
    await expectText(panel.locator('.section-feedback'), 'CSAT 5 / 5');
    await expectText(panel.locator('.section-feedback q'), 'Lovely book club!');
    await expectText(panel.locator('.section-consents'), 'Opted in');
    expect(await panel.textContent()).not.toMatch(/[{}"]/);

    await panel.locator('.others button', { hasText: 'Also on WhatsApp now' }).click();
    await agent.locator('.pane-thread .msg', { hasText: 'Also on WhatsApp now' }).waitFor();

    // Back to the SMS thread, and the WhatsApp one resolved: one conversation with Maya in the list.
    await agent.locator(`.conv[data-id="${conversation.id}"]`).click();
    const [whatsapp] = await query("SELECT id FROM conversations WHERE contact_id = $1 AND channel = 'whatsapp'", [
      maya.id,
    ]);
    const admin = await createUser(hub, 'admin');
    await api(hub, 'POST', `/conversations/${whatsapp.id}/status`, { as: admin.session, body: { status: 'resolved' } });
    await eventually(async () => expect(await agent.locator('.conv', { hasText: 'Maya Chen' }).count()).toBe(1));
  });

  it('works on a phone: one pane at a time', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const phone = await context.newPage();
    await signIn(phone);
    await phone.locator('.conv', { hasText: 'Maya Chen' }).click();
    await phone.locator('.pane-thread .msg').first().waitFor();
    expect(await phone.locator('.pane-list').isVisible()).toBe(false);
    await phone.screenshot({ path: path.join(SHOTS, 'inbox-phone.png') });
    await phone.locator('.profile-btn').click();
    await phone.locator('.pane-contact h2', { hasText: 'Maya Chen' }).waitFor();
    await phone.locator('.pane-contact .back').click();
    await phone.locator('.thread-head .back').click();
    await phone.locator('.pane-list').waitFor();
    await context.close();
  });

  it('signs out: back to the sign-in form, and the old session no longer works', async () => {
    await agent.locator('.conv', { hasText: 'Maya Chen' }).click();
    await agent.locator('.pane-contact h2', { hasText: 'Maya Chen' }).waitFor();
    await agent.screenshot({ path: path.join(SHOTS, 'inbox.png') });

    const cookies = await agentContext.cookies();
    const session = cookies.find((cookie) => cookie.name === 'rapport_session');
    expect(session?.httpOnly).toBe(true);
    await agent.getByRole('button', { name: 'Sign out' }).click();
    await agent.getByRole('button', { name: 'Sign in' }).waitFor();

    const me = await fetch(`${hub.url}/api/auth/me`, { headers: { cookie: `rapport_session=${session?.value}` } });
    expect(me.status).toBe(401);
  });
});

describe('the handoff banner', () => {
  let flowHub: TestApp;
  beforeAll(async () => {
    flowHub = await startTestApp({
      RAPPORT_SEED_DEMO: 'true',
      RAPPORT_ADMIN_PASSWORD: ADMIN.password,
      RAPPORT_FLOWS_ENABLED: 'true',
    });
    flowHub.app.channels.register({ channel: 'sms', send: async () => ({ ok: true, status: 'sent' }) });
  }, 60_000);
  afterAll(async () => {
    await flowHub?.close();
  });

  /** A customer the shop knows (so the welcome flow stays out of it), writing by SMS. */
  async function knownCustomer(name: string, from: string): Promise<(text: string) => Promise<unknown>> {
    const query = (sql: string, params: unknown[]) => flowHub.app.store.dataSource.query(sql, params);
    const [contact] = await query('INSERT INTO contacts (first_name, phone) VALUES ($1, $2) RETURNING id', [
      name,
      from,
    ]);
    await query("INSERT INTO contact_identities (contact_id, channel, address) VALUES ($1, 'sms', $2)", [
      contact.id,
      from,
    ]);
    let sequence = 0;
    return (text) => {
      sequence += 1;
      return flowHub.app.ingest.ingest({ channel: 'sms', from, providerMessageId: `SM-${from}-${sequence}`, text });
    };
  }

  it('shows why the bot handed over and what it learned, live and after a reload', async () => {
    const sms = await knownCustomer('Ines', '+14155550777');

    const context = await browser.newContext({ viewport: { width: 1366, height: 800 } });
    const page = await context.newPage();
    await signIn(page, flowHub);
    await sms('help');
    await page.locator('.conv', { hasText: 'Ines' }).click();
    await page.locator('.banner.bot').waitFor();

    await sms('Can you gift-wrap a parcel for my aunt?');
    const banner = page.locator('.banner.handoff');
    await expectText(banner, 'The bot handed this conversation to you.');
    await expectText(banner, 'FAQ: question not recognised');
    await expectText(banner.locator('li'), 'Question: Can you gift-wrap a parcel for my aunt?');

    await page.reload();
    await page.locator('.connection.on').waitFor();
    await page.locator('.conv', { hasText: 'Ines' }).click();
    await expectText(page.locator('.banner.handoff li'), 'Question: Can you gift-wrap a parcel for my aunt?');
    await context.close();
  });

  it('shows a handoff that happened while the connection was down', async () => {
    const sms = await knownCustomer('Oren', '+14155550778');
    const context = await browser.newContext({ viewport: { width: 1366, height: 800 } });
    const page = await context.newPage();
    await signIn(page, flowHub);
    await sms('help');
    await page.locator('.conv', { hasText: 'Oren' }).click();
    await page.locator('.banner.bot').waitFor();

    const reconnect = await dropConnection(page, flowHub);
    await sms('Do you ship to Iceland?');
    await flowHub.app.bus.drain();
    reconnect();

    await expectText(page.locator('.banner.handoff li'), 'Question: Do you ship to Iceland?');
    await page.locator('.pane-thread .msg', { hasText: 'Do you ship to Iceland?' }).waitFor();
    await context.close();
  });
});

/** A fresh browser context signed in as the demo admin (it loads what exists now, e.g. canned responses). */
async function signedInPage(): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 800 } });
  const page = await context.newPage();
  await signIn(page);
  return page;
}

/**
 * Drops the page's live connection and keeps it down (the hub holds new handshakes) until the
 * returned function is called: whatever happens meanwhile reaches the page only by its catch-up.
 */
async function dropConnection(page: Page, on: TestApp): Promise<() => void> {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const inbox = on.app.io.of('/inbox');
  inbox.use((_socket, next) => void held.then(() => next()));
  for (const socket of inbox.sockets.values()) socket.conn.close();
  await page.locator('.connection.off').waitFor();
  return release;
}

async function expectText(locator: ReturnType<Page['locator']>, text: string): Promise<void> {
  await locator.filter({ hasText: text }).first().waitFor({ timeout: 10_000 });
  expect(await locator.filter({ hasText: text }).first().textContent()).toContain(text);
}
