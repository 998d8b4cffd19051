import { parse } from 'csv-parse/sync';
import { tombstoneHash } from '../../src/core/tombstone';
import { createUser, type TestUser } from '../helpers/inbox-client';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { errorsCsv, importCsv } from './import-client';

jest.setTimeout(60_000);

describe('an import meets the contacts the hub already has', () => {
  let hub: TestApp;
  let manager: TestUser;
  const sql = <T = Record<string, unknown>>(text: string, values: unknown[] = []): Promise<T[]> =>
    hub.app.store.dataSource.query(text, values);
  const contact = async (fields: Record<string, unknown>): Promise<string> => {
    const names = Object.keys(fields);
    const [row] = await sql<{ id: string }>(
      `INSERT INTO contacts (${names.join(', ')}) VALUES (${names.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING id`,
      Object.values(fields),
    );
    return row.id;
  };
  const consents = () =>
    sql<{ email: string; channel: string; status: string; source: string }>(
      `SELECT ct.email, c.channel, c.status, c.source FROM consents c JOIN contacts ct ON ct.id = c.contact_id
        ORDER BY ct.email, c.channel`,
    );
  const refused = async (id: string) =>
    (parse(await errorsCsv(hub, manager, id), { columns: true }) as Record<string, string>[]).map((row) => row.error);

  beforeAll(async () => {
    hub = await startTestApp({ TWILIO_DEFAULT_REGION: 'US' });
    manager = await createUser(hub, 'manager');
  });
  afterAll(() => hub.close());
  beforeEach(async () => {
    await sql('DELETE FROM contacts');
    await sql('DELETE FROM contact_tombstones');
  });

  it('matches by external_id first, then phone (the contact’s or an SMS/WhatsApp identity), then email', async () => {
    const byExternal = await contact({ external_id: 'shop-1', email: 'old@example.com' });
    const decoy = await contact({ phone: '+14155550119', first_name: 'Decoy' });
    const byPhone = await contact({ phone: '+14155550111' });
    const byIdentity = await contact({ display_name: 'WhatsApp person' });
    await sql(`INSERT INTO contact_identities (contact_id, channel, address) VALUES ($1, 'whatsapp', '+14155550112')`, [
      byIdentity,
    ]);
    const byEmail = await contact({ email: 'eve@example.com' });
    const status = await importCsv(
      hub,
      manager,
      'external_id,phone,email,first_name\n' +
        // The phone belongs to another contact: the external id decides.
        'shop-1,+14155550119,new@example.com,Ext\n' +
        ',415-555-0111,,Phone\n' +
        ',+1 415 555 0112,,Identity\n' +
        ',,EVE@example.com,Email\n' +
        'shop-9,,,New\n',
    );
    expect(status).toMatchObject({ rows: 5, created: 1, updated: 4, failed: 0 });
    const rows = await sql<{ id: string; first_name: string; email: string | null; phone: string | null }>(
      'SELECT id, first_name, email, phone FROM contacts',
    );
    const named = (name: string) => rows.find((row) => row.first_name === name);
    expect(named('Ext')).toMatchObject({ id: byExternal, email: 'new@example.com', phone: '+14155550119' });
    expect(named('Decoy')?.id).toBe(decoy);
    expect(named('Phone')?.id).toBe(byPhone);
    expect(named('Identity')).toMatchObject({ id: byIdentity, phone: '+14155550112' });
    expect(named('Email')?.id).toBe(byEmail);
    expect(rows).toHaveLength(6);
  });

  it('merges the rows of one person within the file into one contact, later rows winning', async () => {
    const status = await importCsv(
      hub,
      manager,
      'phone,email,first_name,tags\n' +
        '+14155550120,,Ann,a\n' +
        ',ann@example.com,Anne,b\n' + // nobody yet…
        '+14155550120,ann@example.com,Annie,c\n', // …this row joins the two
    );
    expect(status).toMatchObject({ rows: 3, created: 1, merged: 2, failed: 0 });
    expect(await sql('SELECT phone, email, first_name, tags FROM contacts')).toEqual([
      { phone: '+14155550120', email: 'ann@example.com', first_name: 'Annie', tags: ['a', 'b', 'c'] },
    ]);
  });

  it('changes nothing when the same file is imported again', async () => {
    const csv =
      'external_id,phone,email,first_name,birthday,tags,points,sms_consent,consent_source,consent_at\n' +
      'k1,+14155550130,k1@example.com,Kim,1985-01-02,vip|gold,10,opted_in,checkout,2025-05-01T10:00:00Z\n' +
      'k2,,k2@example.com,Lee,,,,opted_out,,\n' +
      'k2,,,Lee,,new,,,,\n';
    expect(await importCsv(hub, manager, csv)).toMatchObject({ created: 2, merged: 1, failed: 0 });
    const evidence = await sql('SELECT count(*)::int AS n FROM consent_evidence');
    const again = await importCsv(hub, manager, csv);
    expect(again).toMatchObject({ rows: 3, created: 0, updated: 0, unchanged: 2, merged: 1, failed: 0 });
    expect(await sql('SELECT count(*)::int AS n FROM consent_evidence')).toEqual(evidence);
  });

  it('lets an opt-out win over an opt-in, in the same file and over what was stored', async () => {
    await contact({ email: 'stored@example.com' });
    await sql(
      `INSERT INTO consents (contact_id, channel, status, source)
       SELECT id, 'sms', 'opted_in', 'web form' FROM contacts WHERE email = 'stored@example.com'`,
    );
    const status = await importCsv(
      hub,
      manager,
      'email,sms_consent,consent_source,consent_at\n' +
        'file@example.com,opted_out,,\n' +
        'file@example.com,opted_in,checkout,2025-01-01\n' +
        'stored@example.com,opted_out,support call,2025-02-01\n',
    );
    expect(status).toMatchObject({ created: 1, updated: 1, merged: 1, failed: 0 });
    expect(await consents()).toEqual([
      { email: 'file@example.com', channel: 'sms', status: 'opted_out', source: 'import' },
      { email: 'stored@example.com', channel: 'sms', status: 'opted_out', source: 'support call' },
    ]);
  });

  it("never overwrites the customer's own STOP: an imported opt-in is refused with the reason", async () => {
    const stopped = await contact({ phone: '+14155550140' });
    await sql(
      `INSERT INTO consents (contact_id, channel, status, source) VALUES ($1, 'sms', 'opted_out', 'keyword:STOP')`,
      [stopped],
    );
    const status = await importCsv(
      hub,
      manager,
      'phone,first_name,sms_consent,consent_source,consent_at\n+14155550140,Sam,opted_in,checkout,2025-01-01\n',
    );
    expect(status).toMatchObject({ updated: 0, failed: 1 });
    expect(await refused(status.id)).toEqual([
      'line 2: sms_consent: the customer opted out themselves (keyword:STOP); an import cannot opt them back in',
    ]);
    expect(await consents()).toEqual([{ email: null, channel: 'sms', status: 'opted_out', source: 'keyword:STOP' }]);
    expect(await sql('SELECT first_name FROM contacts')).toEqual([{ first_name: null }]);
  });

  it('refuses the rows of erased people, whichever address of theirs the row carries', async () => {
    await sql(`INSERT INTO contact_tombstones (kind, value_hash) VALUES ('phone', $1), ('email', $2)`, [
      tombstoneHash('phone', '+14155550150'),
      tombstoneHash('email', 'gone@example.com'),
    ]);
    const status = await importCsv(
      hub,
      manager,
      'phone,email\n(415) 555-0150,\n,GONE@example.com\n+14155550151,kept@example.com\n',
    );
    expect(status).toMatchObject({ rows: 3, created: 1, failed: 2 });
    expect(await refused(status.id)).toEqual([
      'line 2: phone: this person was erased at their request; an import does not bring them back',
      'line 3: email: this person was erased at their request; an import does not bring them back',
    ]);
  });

  it('counts a dry run as the import would, and writes nothing', async () => {
    await contact({ email: 'known@example.com' });
    const status = await importCsv(
      hub,
      manager,
      'email,first_name,sms_consent\nknown@example.com,Known,opted_out\nnew@example.com,New,\nbad,,\n',
      { dryRun: 'true' },
    );
    expect(status).toMatchObject({ status: 'done', dryRun: true, rows: 3, created: 1, updated: 1, failed: 1 });
    expect(await sql('SELECT email, first_name FROM contacts')).toEqual([
      { email: 'known@example.com', first_name: null },
    ]);
    expect(await consents()).toEqual([]);
    expect(await refused(status.id)).toEqual(['line 4: email: "bad" is not an email address']);
  });
});
