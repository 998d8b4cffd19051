import { SegmentStore } from '../../src/store/segments/segment-store';
import { botLines, startHubWithFlows } from '../flows-runtime/hub-with-flows';
import { inboundSms, knownSmsContact } from '../helpers/inbox-fixtures';
import type { TestApp } from '../helpers/test-app';

jest.setTimeout(60_000);

const greeting = `id: greeting
name: Greeting
triggers: [{ type: keyword, keywords: [hello] }]
steps:
  - id: route
    type: branch
    cases:
      - when: { segment: big-spenders }
        goto: thanks
    else: hello
  - id: thanks
    type: end
    text: Thank you for being one of our best customers!
  - id: hello
    type: end
    text: Hello!
`;

let hub: TestApp;
beforeAll(async () => {
  hub = await startHubWithFlows({ 'greeting.yaml': greeting });
});
afterAll(async () => {
  await hub.close();
});

describe('a flow naming { segment: key }', () => {
  it('asks the saved segment with that key, not an attribute, and sees the segment as it is saved now', async () => {
    const query = (sql: string, params: unknown[]) => hub.app.store.dataSource.query(sql, params);
    const spender = await knownSmsContact(hub, '+14155550181', { firstName: 'Pat' });
    const pretender = await knownSmsContact(hub, '+14155550182', { firstName: 'Lee' });
    await query(`UPDATE contacts SET attributes = '{"segment": "big-spenders"}' WHERE id = $1`, [pretender]);
    await query(
      `INSERT INTO contact_events (contact_id, name, properties) VALUES ($1, 'order.placed', '{"total": 900}')`,
      [spender],
    );
    const segments = new SegmentStore(hub.app.store.dataSource);
    const saved = await segments.create(
      {
        key: 'big-spenders',
        name: 'Big spenders',
        rules: { event: 'order.placed', sum: { property: 'total', gte: 500 } },
      },
      null,
    );

    const first = await inboundSms(hub, 'hello', { from: '+14155550181' });
    expect(await botLines(hub, first.conversation.id)).toEqual(['Thank you for being one of our best customers!']);
    const second = await inboundSms(hub, 'hello', { from: '+14155550182' });
    expect(await botLines(hub, second.conversation.id)).toEqual(['Hello!']);

    // The segment changes: the next turn reads the new rule.
    await segments.update(saved.id, { rules: { field: 'contact.first_name', equals: 'lee' } });
    await inboundSms(hub, 'hello', { from: '+14155550182' });
    expect((await botLines(hub, second.conversation.id)).at(-1)).toBe('Thank you for being one of our best customers!');
  });
});
