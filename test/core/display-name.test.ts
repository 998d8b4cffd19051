import { displayName, type NamedContact } from '../../src/core/identity';
import { contactDisplayNameSql } from '../../src/store/contacts/display-name-sql';
import { startTestApp, type TestApp } from '../helpers/test-app';

/**
 * Issue 12, defect 3: display names fell back four different ways. There is one rule, written
 * twice (TypeScript for the services, SQL for the lists); this table holds the two together on a
 * real database.
 */
const CASES: NamedContact[] = [
  {
    displayName: 'Ada Lovelace',
    firstName: 'Augusta',
    lastName: 'King',
    email: 'ada@example.com',
    phone: '+14155550101',
  },
  { displayName: '  Ada  ', firstName: null, lastName: null, email: null, phone: null },
  { displayName: '   ', firstName: 'Grace', lastName: 'Hopper', email: 'grace@example.com', phone: null },
  { displayName: null, firstName: 'Grace', lastName: null, email: null, phone: null },
  { displayName: null, firstName: null, lastName: 'Hopper', email: null, phone: null },
  { displayName: null, firstName: ' Alan ', lastName: ' Turing ', email: null, phone: null },
  { displayName: '', firstName: '', lastName: '', email: 'only@example.com', phone: '+14155550102' },
  { displayName: null, firstName: null, lastName: null, email: '  ', phone: '+14155550103' },
  { displayName: null, firstName: null, lastName: null, email: null, phone: null },
  { displayName: '\tTabbed\n', firstName: null, lastName: null, email: null, phone: null },
  { displayName: null, firstName: '\n', lastName: '\t', email: null, phone: ' ' },
  { displayName: '\u00a0\u3000', firstName: null, lastName: null, email: '\ufeffnb@example.com\u2028', phone: null },
];

let hub: TestApp;

beforeAll(async () => {
  hub = await startTestApp();
});
afterAll(async () => {
  await hub.close();
});

describe('the display-name rule', () => {
  it.each(CASES.map((contact) => [JSON.stringify(contact), contact] as const))(
    'is the same in SQL and TypeScript for %s',
    async (_label, contact) => {
      const [row] = await hub.app.store.dataSource.query<{ name: string }[]>(
        `SELECT ${contactDisplayNameSql('k')} AS name
           FROM (SELECT $1::text AS display_name, $2::text AS first_name, $3::text AS last_name,
                        $4::text AS email, $5::text AS phone) k`,
        [contact.displayName, contact.firstName, contact.lastName, contact.email, contact.phone],
      );
      expect(row.name).toBe(displayName(contact));
    },
  );
});
