import type { ContactProfile } from '../../src/inbox/contact-service';
import { encodeDirectoryCursor } from '../../src/inbox/directory-cursor';
import { ContactDirectoryStore } from '../../src/store/contacts/contact-directory-store';
import { api, createSupportDesk, type TestUser } from '../helpers/inbox-client';
import { inboundSms } from '../helpers/inbox-fixtures';
import { startTestApp, type TestApp } from '../helpers/test-app';

interface Item {
  id: string;
  name: string;
  phone: string | null;
  email: string | null;
  tags: string[];
  channels: string[];
  consents: Record<string, string>;
  externalId: string | null;
  createdAt: string;
  lastSeenAt: string | null;
}
interface Page {
  items: Item[];
  nextCursor: string | null;
}

let hub: TestApp;
let manager: TestUser;
let supportAgent: TestUser;

beforeAll(async () => {
  hub = await startTestApp({ TWILIO_DEFAULT_REGION: 'US' });
  ({ manager, supportAgent } = await createSupportDesk(hub));
});
afterAll(async () => {
  await hub.close();
});

const list = (query: string, as: TestUser = manager) => api<Page>(hub, 'GET', `/contacts?${query}`, { as: as.session });
const create = (body: Record<string, unknown>, as: TestUser = manager) =>
  api<ContactProfile & { error?: { code: string; message: string; details?: { existingId: string } } }>(
    hub,
    'POST',
    '/contacts',
    { as: as.session, body },
  );
const query = (sql: string, params: unknown[] = []) => hub.app.store.dataSource.query(sql, params);

/** Every page of a listing, following nextCursor; `between` runs after the first page. */
async function allPages(filter: string, limit: number, between?: () => Promise<void>): Promise<Item[]> {
  const items: Item[] = [];
  let cursor: string | null = null;
  do {
    const page: { status: number; body: Page } = await list(
      `${filter}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    expect(page.status).toBe(200);
    items.push(...page.body.items);
    cursor = page.body.nextCursor;
    if (between && items.length === page.body.items.length) await between();
  } while (cursor);
  return items;
}

describe('GET /api/contacts', () => {
  it('pages newest first by keyset: contacts created while paging neither repeat nor shift a page', async () => {
    const ids: string[] = [];
    for (let n = 0; n < 7; n++) ids.push((await create({ firstName: `Pager${n}`, tags: ['paging'] })).body.id);
    // Same created_at for two of them: the id breaks the tie.
    await query('UPDATE contacts SET created_at = (SELECT created_at FROM contacts WHERE id = $1) WHERE id = $2', [
      ids[3],
      ids[4],
    ]);

    const seen = await allPages('tag=paging', 2, async () => {
      for (let n = 0; n < 3; n++) await create({ firstName: `Late${n}`, tags: ['paging'] });
    });

    const seenIds = seen.map((item) => item.id);
    expect(new Set(seenIds).size).toBe(seenIds.length);
    expect([...seenIds].sort()).toEqual([...ids].sort());
    const keys = seen.map((item) => item.createdAt);
    expect([...keys].sort().reverse()).toEqual(keys);
  });

  it('shows name, phone, email, tags, channels, consent per channel, last seen, created and external id', async () => {
    const { message } = await inboundSms(hub, 'hello', { from: '+14155557001' });
    await api(hub, 'PATCH', `/contacts/${message.contactId}`, {
      as: manager.session,
      body: { firstName: 'Ines', lastName: 'Row', email: 'Ines@Example.com', tags: ['Gold'], externalId: 'shop-7001' },
    });
    await query("INSERT INTO consents (contact_id, channel, status, source) VALUES ($1, 'sms', 'opted_in', 'form')", [
      message.contactId,
    ]);

    const { body } = await list('q=ines');

    expect(body.items).toEqual([
      {
        id: message.contactId,
        name: 'Ines Row',
        phone: '+14155557001',
        email: 'ines@example.com',
        externalId: 'shop-7001',
        tags: ['gold'],
        channels: ['sms'],
        consents: { sms: 'opted_in' },
        lastSeenAt: expect.any(String),
        createdAt: expect.any(String),
      },
    ]);
  });

  describe('filters', () => {
    let ann: string;
    let bob: string;
    let cyd: string;
    beforeAll(async () => {
      ann = (await inboundSms(hub, 'hi', { from: '+14155557101' })).message.contactId;
      await api(hub, 'PATCH', `/contacts/${ann}`, {
        as: manager.session,
        body: { displayName: 'Ann 50% Filter', email: 'ann.filter@example.com', tags: ['filter', 'vip'] },
      });
      bob = (await create({ displayName: 'Bob 50x Filter', phone: '+14155557102', tags: ['filter'] })).body.id;
      cyd = (await create({ displayName: 'Cyd_Filter', email: 'cyd.filter@example.com', tags: ['filter'] })).body.id;
      await query("INSERT INTO consents (contact_id, channel, status, source) VALUES ($1, 'sms', 'opted_out', 'x')", [
        ann,
      ]);
      await query(
        "INSERT INTO consents (contact_id, channel, status, source) VALUES ($1, 'whatsapp', 'opted_in', 'x')",
        [bob],
      );
    });
    const ids = async (filter: string) => (await list(`tag=filter&${filter}`)).body.items.map((item) => item.id);

    it('q searches names, email and phone, with % and _ taken literally', async () => {
      expect(await ids('q=50%25')).toEqual([ann]);
      expect(await ids('q=d_f')).toEqual([cyd]);
      expect(await ids('q=ANN.FILTER@')).toEqual([ann]);
      expect(await ids('q=7102')).toEqual([bob]);
      expect(await ids(`q=${encodeURIComponent('(415) 555-7101')}`)).toEqual([ann]);
    });

    it('tag, channel and consent narrow the list', async () => {
      expect(await ids('')).toEqual([cyd, bob, ann]);
      expect((await list('tag=VIP')).body.items.map((item) => item.id)).toEqual([ann]);
      expect(await ids('channel=sms')).toEqual([ann]);
      expect(await ids('consent=opted_out')).toEqual([ann]);
      expect(await ids('consent=opted_in')).toEqual([bob]);
      expect(await ids('consent=opted_in&channel=sms')).toEqual([]);
      expect(await ids('consent=none')).toEqual([cyd]);
    });

    it('segment: an unknown segment is 404 and a malformed id 400; a membership predicate narrows the page', async () => {
      expect((await list('segment=00000000-0000-4000-8000-000000000000')).body).toMatchObject({
        error: { code: 'SEGMENT_NOT_FOUND' },
      });
      expect((await list('segment=lapsed')).status).toBe(400);
      // What SegmentStore.membershipSql hands the directory: a predicate over the contact alias, from $1.
      const store = new ContactDirectoryStore(hub.app.store.dataSource);
      const page = await store.page({ tag: 'filter', limit: 10 }, () => ({ sql: 'true', params: [] }), {
        sql: 'ct.display_name LIKE $1',
        params: ['Bob%'],
      });
      expect(page.items.map((item) => item.id)).toEqual([bob]);
    });
  });

  it('shows an agent only contacts with a conversation they may see', async () => {
    const mine = await inboundSms(hub, 'support case', { from: '+14155557201', team: 'support' });
    const theirs = await inboundSms(hub, 'billing case', { from: '+14155557202', team: 'billing' });
    await query("UPDATE contacts SET tags = '{agentview}' WHERE id = ANY($1)", [
      [mine.message.contactId, theirs.message.contactId],
    ]);
    const manual = (await create({ displayName: 'No conversation', tags: ['agentview'] })).body.id;

    const forAgent = await list('tag=agentview', supportAgent);
    const forManager = await list('tag=agentview');

    expect(forAgent.body.items.map((item) => item.id)).toEqual([mine.message.contactId]);
    expect(forManager.body.items.map((item) => item.id)).toEqual([
      manual,
      theirs.message.contactId,
      mine.message.contactId,
    ]);
  });

  it('refuses a bad limit or cursor with 400, never 500', async () => {
    const bad = [
      'limit=0',
      'limit=201',
      'limit=ten',
      'cursor=not-a-cursor',
      `cursor=${encodeDirectoryCursor({ createdAt: '2025-02-30T00:00:00.000000Z', id: '00000000-0000-4000-8000-000000000000' })}`,
      `cursor=${encodeDirectoryCursor({ createdAt: '0000-01-01T00:00:00.000000Z', id: '00000000-0000-4000-8000-000000000000' })}`,
      `cursor=${encodeDirectoryCursor({ createdAt: '2025-01-01T00:00:00.000000Z', id: '---' })}`,
      `cursor=${Buffer.from('["x"]').toString('base64url')}`,
      'q=%00',
      'channel=SMS!',
      'consent=maybe',
    ];
    for (const filter of bad) expect([filter, (await list(filter)).status]).toEqual([filter, 400]);
    expect((await list('limit=200')).status).toBe(200);
  });
});

describe('POST /api/contacts', () => {
  it('creates a contact with its fields in their stored form (201)', async () => {
    const answer = await create({
      firstName: 'Zoe',
      phone: '(415) 555-7301',
      email: ' Zoe@Example.COM ',
      timeZone: 'Europe/Paris',
      birthday: '1990-02-28',
      locale: 'fr-FR',
      tags: ['New'],
      attributes: { plan: 'gold', visits: 3 },
      externalId: 'shop-7301',
    });

    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({
      name: 'Zoe',
      phone: '+14155557301',
      email: 'zoe@example.com',
      timeZone: 'Europe/Paris',
      birthday: '1990-02-28',
      locale: 'fr-FR',
      tags: ['new'],
      attributes: { plan: 'gold', visits: 3 },
      externalId: 'shop-7301',
    });
  });

  it('answers 409 with the existing contact for the same phone, email or external id', async () => {
    const first = (await create({ phone: '+14155557401', email: 'dup@example.com', externalId: 'dup-1' })).body.id;
    const byIdentity = (await inboundSms(hub, 'hi', { from: '+14155557402' })).message.contactId;

    for (const [body, field, existingId] of [
      [{ phone: '415-555-7401' }, 'phone', first],
      [{ email: 'DUP@example.com' }, 'email', first],
      [{ externalId: 'dup-1' }, 'externalId', first],
      [{ phone: '+1 415 555 7402' }, 'phone', byIdentity],
    ] as const) {
      const answer = await create(body);
      expect(answer.status).toBe(409);
      expect(answer.body.error).toMatchObject({ code: 'CONTACT_EXISTS', details: { field, existingId } });
    }
  });

  it('is for admins and managers: an agent gets 403', async () => {
    expect((await create({ firstName: 'Nope' }, supportAgent)).status).toBe(403);
  });

  it('may re-create an erased person: a manager typing them in is a new act, the tombstone stays', async () => {
    const erased = (await create({ phone: '+14155557501', email: 'gone@example.com' })).body.id;
    expect((await api(hub, 'DELETE', `/contacts/${erased}`, { as: manager.session })).status).toBe(204);

    const again = await create({ phone: '+14155557501', email: 'gone@example.com' });

    expect(again.status).toBe(201);
    expect(again.body.id).not.toBe(erased);
    expect(Number((await query('SELECT count(*) FROM contact_tombstones'))[0].count)).toBeGreaterThanOrEqual(2);
  });
});

describe('validation of create and edit', () => {
  const deep = (levels: number) => {
    let value: Record<string, unknown> = { leaf: 1 };
    for (let n = 0; n < levels; n++) value = { nested: value };
    return value;
  };
  const invalid: [string, Record<string, unknown>][] = [
    ['phone', { phone: 'not a phone' }],
    ['phone', { phone: '+1 415' }],
    ['email', { email: 'not-an-email' }],
    ['timeZone', { timeZone: 'Mars/Olympus_Mons' }],
    ['birthday', { birthday: '2025-02-30' }],
    ['birthday', { birthday: '2025-13-45' }],
    ['birthday', { birthday: '0000-01-01' }],
    ['birthday', { birthday: '31/02/1990' }],
    ['birthday', { birthday: '2999-01-01' }],
    ['locale', { locale: 'not a locale!' }],
    ['tags', { tags: ['x'.repeat(51)] }],
    ['tags', { tags: Array.from({ length: 51 }, (_, n) => `t${n}`) }],
    ['attributes', { attributes: deep(20) }],
    ['attributes', { attributes: { big: 'x'.repeat(20_000) } }],
    ['attributes', { attributes: ['not', 'an', 'object'] }],
    ['externalId', { externalId: 'x'.repeat(201) }],
    ['firstName', { firstName: 'Ni\u0000na' }],
  ];

  it.each(invalid)('refuses a bad %s with 400 naming it, on create and on edit', async (field, body) => {
    const created = await create({ displayName: 'Valid', ...body });
    expect(created.status).toBe(400);
    expect(created.body.error?.message).toContain(field);

    const target = (await create({ displayName: `Edit target ${field}` })).body.id;
    const edited = await api<{ error: { message: string } }>(hub, 'PATCH', `/contacts/${target}`, {
      as: manager.session,
      body,
    });
    expect(edited.status).toBe(400);
    expect(edited.body.error.message).toContain(field);
  });

  it('refuses attributes nested 9,000 deep with 400, on create and on edit (no stack overflow)', async () => {
    // Written by hand: JSON.stringify itself overflows on such a value.
    const body = `{"displayName":"Deep","attributes":${'{"n":'.repeat(9000)}1${'}'.repeat(9000)}}`;
    const target = (await create({ displayName: 'Deep target' })).body.id;
    for (const [method, path] of [
      ['POST', '/contacts'],
      ['PATCH', `/contacts/${target}`],
    ]) {
      const response = await fetch(`${hub.url}/api${path}`, {
        method,
        headers: {
          'content-type': 'application/json',
          cookie: manager.session.cookie,
          'x-csrf-token': manager.session.csrf,
        },
        body,
      });
      expect([method, response.status]).toEqual([method, 400]);
      expect(((await response.json()) as { error: { message: string } }).error.message).toContain('attributes');
    }
  });

  it('accepts UTC and a time zone of the IANA list, and clears a field with null', async () => {
    const id = (await create({ displayName: 'Zoned', timeZone: 'UTC', birthday: '2000-02-29' })).body.id;
    const edited = await api<ContactProfile>(hub, 'PATCH', `/contacts/${id}`, {
      as: manager.session,
      body: { timeZone: 'America/Sao_Paulo', birthday: null },
    });
    expect(edited.body).toMatchObject({ timeZone: 'America/Sao_Paulo', birthday: null });
  });

  it('answers 409 when an edit gives a contact another contact’s external id', async () => {
    const owner = (await create({ displayName: 'Owner', externalId: 'taken-1' })).body.id;
    const other = (await create({ displayName: 'Other' })).body.id;
    const answer = await api<{ error: { code: string; details: { existingId: string } } }>(
      hub,
      'PATCH',
      `/contacts/${other}`,
      { as: manager.session, body: { externalId: 'taken-1' } },
    );
    expect(answer.status).toBe(409);
    expect(answer.body.error).toMatchObject({ code: 'CONTACT_EXISTS', details: { existingId: owner } });
  });

  it('refuses a contact with nothing to know them by', async () => {
    expect((await create({ tags: ['x'] })).status).toBe(400);
  });
});
