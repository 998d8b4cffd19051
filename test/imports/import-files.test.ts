import { parse } from 'csv-parse/sync';
import { createUser, type TestUser } from '../helpers/inbox-client';
import { startTestApp, type TestApp } from '../helpers/test-app';
import { errorsCsv, importCsv } from './import-client';

jest.setTimeout(60_000);

interface StoredContact {
  external_id: string | null;
  phone: string | null;
  email: string | null;
  first_name: string | null;
  last_name: string | null;
  display_name: string | null;
  time_zone: string | null;
  locale: string | null;
  birthday: string | null;
  tags: string[];
  attributes: Record<string, unknown>;
}

describe('importing a CSV file of contacts', () => {
  let hub: TestApp;
  let manager: TestUser;
  const contacts = async (): Promise<StoredContact[]> =>
    hub.app.store.dataSource.query(
      `SELECT external_id, phone, email, first_name, last_name, display_name, time_zone, locale,
              to_char(birthday, 'YYYY-MM-DD') AS birthday, tags, attributes FROM contacts ORDER BY external_id, email`,
    );

  beforeAll(async () => {
    hub = await startTestApp({ TWILIO_DEFAULT_REGION: 'US' });
    manager = await createUser(hub, 'manager');
  });
  afterAll(() => hub.close());
  beforeEach(() => hub.app.store.dataSource.query('DELETE FROM contacts'));

  it('reads headers by name whatever their case and spacing, and normalizes phones, emails and zones', async () => {
    const status = await importCsv(
      hub,
      manager,
      'External ID,Phone, EMAIL ,First Name,last-name,Time Zone,Locale,Birthday\n' +
        'c1,(415) 555-0101,Ana@Example.COM,Ana,Lima,Europe/Lisbon,pt_PT,1990-04-12\n',
    );
    expect(status).toMatchObject({ status: 'done', rows: 1, created: 1, failed: 0 });
    expect(await contacts()).toEqual([
      expect.objectContaining({
        external_id: 'c1',
        phone: '+14155550101',
        email: 'ana@example.com',
        first_name: 'Ana',
        last_name: 'Lima',
        time_zone: 'Europe/Lisbon',
        locale: 'pt-PT',
        birthday: '1990-04-12',
      }),
    ]);
  });

  it('reads phones without a country code in ?defaultRegion', async () => {
    await importCsv(hub, manager, 'phone\n06 12 34 56 78\n', { defaultRegion: 'FR' });
    expect((await contacts())[0].phone).toBe('+33612345678');
  });

  it('skips a UTF-8 byte order mark, keeps quoted commas and newlines, and UTF-8 names', async () => {
    const status = await importCsv(
      hub,
      manager,
      '\uFEFFexternal_id,name,notes\r\nc1,"Zoë, Ångström",plain\r\nc2,Łukasz Żółć,"two\r\nlines"\r\nc3,李小龍,"say ""hi"""\r\n',
    );
    expect(status).toMatchObject({ rows: 3, created: 3, failed: 0 });
    const stored = await contacts();
    expect(stored.map((c) => c.display_name)).toEqual(['Zoë, Ångström', 'Łukasz Żółć', '李小龍']);
    expect(stored[1].attributes).toEqual({ notes: 'two\r\nlines' });
    expect(stored[2].attributes).toEqual({ notes: 'say "hi"' });
  });

  it('detects a ; delimiter (spreadsheets in many locales save CSV so), tags with ; inside quotes', async () => {
    const status = await importCsv(hub, manager, 'email;first_name;tags\nana@example.com;Ana;"vip;newsletter"\n');
    expect(status).toMatchObject({ created: 1, failed: 0 });
    expect((await contacts())[0]).toMatchObject({ first_name: 'Ana', tags: ['vip', 'newsletter'] });
  });

  it('splits tags on ; or |, and stores them as every tag is stored (lower-cased, once each)', async () => {
    await importCsv(hub, manager, 'email,tags\nana@example.com,VIP|newsletter | vip\nbo@example.com,a;b\n');
    expect((await contacts()).map((c) => c.tags)).toEqual([
      ['vip', 'newsletter'],
      ['a', 'b'],
    ]);
  });

  it('reads Excel serial dates for birthday and consent_at', async () => {
    await importCsv(
      hub,
      manager,
      'email,birthday,sms_consent,consent_source,consent_at,phone\nana@example.com,32975,opted_in,store signup,45292.5,+14155550102\n',
    );
    expect((await contacts())[0].birthday).toBe('1990-04-12');
    const [consent] = await hub.app.store.dataSource.query(
      `SELECT c.status, c.source, c.changed_at, e.recorded_by, e.created_at FROM consents c
         JOIN consent_evidence e ON e.contact_id = c.contact_id`,
    );
    expect(consent).toMatchObject({ status: 'opted_in', source: 'store signup' });
    expect(new Date(consent.changed_at).toISOString()).toBe('2024-01-01T12:00:00.000Z');
    expect(new Date(consent.created_at).toISOString()).toBe('2024-01-01T12:00:00.000Z');
    expect(consent.recorded_by).toMatch(/^import:/);
  });

  it('types attribute columns as numbers or booleans only when the whole column is', async () => {
    await importCsv(
      hub,
      manager,
      'email,orders,vip,zip,Favourite Colour\n' +
        'a@example.com,3,true,02134,red\n' +
        'b@example.com,12.5,FALSE,n/a,\n',
    );
    const [a, b] = await contacts();
    expect(a.attributes).toEqual({ orders: 3, vip: true, zip: '02134', favourite_colour: 'red' });
    expect(b.attributes).toEqual({ orders: 12.5, vip: false, zip: 'n/a' });
  });

  it('refuses bad rows with the field and the reason, imports the others, and gives them back in errors.csv', async () => {
    const csv =
      'email,phone,time_zone,birthday,sms_consent\n' +
      'good@example.com,,,,\n' +
      'not-an-email,,,,\n' +
      'tz@example.com,,Mars/Olympus,,\n' +
      'bd@example.com,,,1990-02-30,\n' +
      'ph@example.com,12,,,\n' +
      'optin@example.com,,,,opted_in\n' +
      ',,,,\n' +
      'short@example.com\n';
    const status = await importCsv(hub, manager, csv);
    expect(status).toMatchObject({ status: 'done', rows: 8, created: 1, failed: 7 });
    const text = await errorsCsv(hub, manager, status.id);
    const errors = parse(text, { columns: true, relax_column_count: true }) as Record<string, string>[];
    expect(Object.keys(errors[0])).toEqual(['email', 'phone', 'time_zone', 'birthday', 'sms_consent', 'error']);
    expect(errors.map((row) => [row.email, row.error])).toEqual([
      ['not-an-email', 'line 3: email: "not-an-email" is not an email address'],
      ['tz@example.com', expect.stringMatching(/^line 4: time_zone: "Mars\/Olympus" is not an IANA time zone/)],
      ['bd@example.com', 'line 5: birthday: "1990-02-30" is not a real date'],
      ['ph@example.com', 'line 6: phone: "12" is not a phone number (region US)'],
      [
        'optin@example.com',
        expect.stringContaining('line 7: sms_consent: an opt-in needs consent_source and consent_at'),
      ],
      ['', 'line 8: row: needs an external_id, a phone or an email to be matched by'],
      ['short@example.com', 'line 9: row: has 1 fields where the header has 5'],
    ]);
    expect((await contacts()).map((c) => c.email)).toEqual(['good@example.com']);
  });
});
