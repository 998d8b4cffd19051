import { segmentRuleSchema } from '../../flows/schema/audience-condition';
import { DEMO_SEGMENTS, seedDemoData } from '../../src/seed/demo-data';
import { SegmentStore } from '../../src/store/segments/segment-store';
import { useMigratedStore } from '../helpers/migrated-store';

jest.setTimeout(60_000);

const store = useMigratedStore();

describe('the demo’s saved segments', () => {
  it.each(DEMO_SEGMENTS.map((segment) => [segment.key, segment.rules]))('%s is a valid rule', (_key, rules) => {
    expect(segmentRuleSchema.safeParse(rules).success).toBe(true);
  });

  it('hold the demo contacts they describe: Sam is lapsed, Maya a VIP, Rick neither', async () => {
    await seedDemoData(store.dataSource, { email: 'admin@demo.test', password: 'demo-segments-only' });
    const segments = new SegmentStore(store.dataSource);
    const idOf = async (firstName: string) =>
      (await store.dataSource.query<{ id: string }[]>('SELECT id FROM contacts WHERE first_name = $1', [firstName]))[0]
        .id;
    const [sam, maya, rick] = [await idOf('Sam'), await idOf('Maya'), await idOf('Rick')];
    expect(await segments.isMember(sam, 'lapsed')).toBe(true);
    expect(await segments.isMember(maya, 'lapsed')).toBe(false);
    expect(await segments.isMember(maya, 'vip')).toBe(true);
    expect(await segments.isMember(rick, 'vip')).toBe(false);
    expect(await segments.isMember(rick, 'lapsed')).toBe(false);
  });
});
