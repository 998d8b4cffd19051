import { SegmentStore } from '../../src/store/segments/segment-store';
import { useMigratedStore } from '../helpers/migrated-store';
import { NOW, seedSegmentFixtures } from './segment-fixtures';

jest.setTimeout(60_000);

const store = useMigratedStore();
let people: Record<string, string>;
let segments: SegmentStore;

beforeAll(async () => {
  people = await seedSegmentFixtures(store.dataSource);
  segments = new SegmentStore(store.dataSource, { clock: () => NOW });
  await segments.create({ key: 'buyers', name: 'Buyers', rules: { event: 'order.placed' } }, null);
  await segments.create(
    { key: 'new', name: 'New', description: 'Created in the last 30 days', rules: { created: { within_days: 30 } } },
    null,
  );
});

describe('SegmentStore', () => {
  it('answers a saved segment as a WHERE fragment over any alias, numbered from the caller’s parameters', async () => {
    const buyers = await segments.byKey('buyers');
    const where = await segments.membershipSql(buyers!.id, 'person', 3, NOW);
    expect(where).not.toBeNull();
    const rows = await store.dataSource.query<{ first_name: string }[]>(
      `SELECT person.first_name FROM contacts person
        WHERE person.first_name <> $1 AND person.first_name <> $2 AND ${where!.sql} ORDER BY 1`,
      ['Nobody', 'Noone', ...where!.params],
    );
    expect(rows.map((row) => row.first_name)).toEqual(['Ann', 'Bob']);
  });

  it('answers null for a segment that does not exist', async () => {
    expect(await segments.membershipSql('00000000-0000-4000-8000-000000000000', 'c', 1, NOW)).toBeNull();
    expect(await segments.membershipSql('not-a-uuid', 'c', 1, NOW)).toBeNull();
  });

  it('tells whether one contact is in a segment, by key', async () => {
    expect(await segments.isMember(people.bob, 'buyers', NOW)).toBe(true);
    expect(await segments.isMember(people.cy, 'buyers', NOW)).toBe(false);
    expect(await segments.isMember(people.cy, 'new', NOW)).toBe(true);
    expect(await segments.isMember(people.cy, 'no-such-segment', NOW)).toBe(false);
  });

  it('answers a contact’s memberships of several segments in one statement', async () => {
    const memberships = await segments.membershipOf(
      store.dataSource.manager,
      people.ann,
      ['buyers', 'new', 'gone'],
      NOW,
    );
    expect([...memberships].sort()).toEqual(['buyers', 'new']);
  });

  it('counts and previews a rule', async () => {
    expect(await segments.count({ segment: 'new' })).toBe(2);
    expect(await segments.preview({ any: [{ segment: 'new' }, { segment: 'buyers' }] })).toEqual({
      count: 3,
      sample: [
        { id: people.ann, name: 'Ann' },
        { id: people.bob, name: 'Bob' },
        { id: people.cy, name: 'Cy' },
      ],
    });
  });

  it('sees a changed rule at once in this process', async () => {
    const fresh = await segments.create({ key: 'fresh', name: 'Fresh', rules: { tag: 'vip' } }, null);
    expect(await segments.isMember(people.ann, 'fresh', NOW)).toBe(true);
    await segments.update(fresh.id, { rules: { tag: 'book' } });
    expect(await segments.isMember(people.bob, 'fresh', NOW)).toBe(true);
    await segments.remove(fresh.id);
    expect(await segments.isMember(people.bob, 'fresh', NOW)).toBe(false);
  });
});
