import type { HubEvents } from '../../../src/core/events';
import type { ConversationStatus, HandledBy } from '../../../src/core/types';
import {
  handledByPeopleSql,
  isHandledByPeople,
  isOpenStatus,
  openConversationSql,
} from '../../../src/store/conversations/conversation-rules';
import { ConversationStore } from '../../../src/store/conversations/conversation-store';
import { createUser } from '../../helpers/inbox-client';
import { inboundSms } from '../../helpers/inbox-fixtures';
import { startTestApp, type TestApp } from '../../helpers/test-app';

let hub: TestApp;
let store: ConversationStore;
let updates: HubEvents['conversation.updated'][];

beforeAll(async () => {
  hub = await startTestApp();
  store = new ConversationStore(hub.app.store.dataSource, hub.app.bus);
  hub.app.bus.on('conversation.updated', (event) => void updates.push(event));
});
beforeEach(() => {
  updates = [];
});
afterAll(async () => {
  await hub.close();
});

describe('the conversation rules', () => {
  it('"open" and "handled by people" mean the same in SQL as in TypeScript', async () => {
    const statuses: ConversationStatus[] = ['open', 'pending', 'snoozed', 'resolved'];
    const handlers: HandledBy[] = ['bot', 'human'];
    const open: { status: ConversationStatus; open: boolean }[] = await hub.app.store.dataSource.query(
      `SELECT c.status, ${openConversationSql('c')} AS open FROM unnest($1::text[]) AS c(status)`,
      [statuses],
    );
    expect(open).toHaveLength(statuses.length);
    for (const row of open) expect(row.open).toBe(isOpenStatus(row.status));
    const people: { handled_by: HandledBy; people: boolean }[] = await hub.app.store.dataSource.query(
      `SELECT c.handled_by, ${handledByPeopleSql('c')} AS people FROM unnest($1::text[]) AS c(handled_by)`,
      [handlers],
    );
    expect(people).toHaveLength(handlers.length);
    for (const row of people) expect(row.people).toBe(isHandledByPeople(row.handled_by));
  });
});

describe('the conversation store', () => {
  it('tells who had the conversation before a reassignment', async () => {
    const [first, second] = [await createUser(hub, 'agent'), await createUser(hub, 'agent')];
    const { conversation } = await inboundSms(hub, 'who has me?');
    await store.change(conversation.id, { assigneeId: first.id, team: 'support' });
    await store.change(conversation.id, { assigneeId: second.id });
    await hub.app.bus.drain();

    expect(updates.map((event) => [event.previous, event.conversation.assigneeId])).toEqual([
      [{ assigneeId: null, team: null }, first.id],
      [{ assigneeId: first.id, team: 'support' }, second.id],
    ]);
  });

  it('publishes nothing for a change that changes nothing', async () => {
    const { conversation } = await inboundSms(hub, 'already open');
    expect(await store.change(conversation.id, { status: 'open' })).toBeNull();
    await hub.app.bus.drain();
    expect(updates).toEqual([]);
  });

  it("publishes a transaction's changes after its commit, and none when it rolls back", async () => {
    const { conversation } = await inboundSms(hub, 'in a transaction');
    await expect(
      store.transaction(async (tx) => {
        await store.changeIn(tx, conversation.id, { status: 'resolved' });
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    await hub.app.bus.drain();
    expect(updates).toEqual([]);
    expect((await store.find(conversation.id))?.status).toBe('open');

    await store.transaction((tx) => store.changeIn(tx, conversation.id, { status: 'resolved' }));
    await hub.app.bus.drain();
    expect(updates.map((event) => event.conversation.status)).toEqual(['resolved']);
  });

  it('refuses a change inside a transaction it did not open, whose commit it could not wait for', async () => {
    const { conversation } = await inboundSms(hub, 'outside');
    await expect(
      hub.app.store.dataSource.transaction((tx) => store.changeIn(tx, conversation.id, { status: 'pending' })),
    ).rejects.toThrow(/ConversationStore.transaction/);
  });

  it('keeps private notes to 10,000 characters', async () => {
    const { conversation } = await inboundSms(hub, 'note me');
    const author = await createUser(hub, 'agent');
    const note = (text: string) => store.addNote({ conversationId: conversation.id, authorUserId: author.id, text });
    await expect(note('x'.repeat(10_000))).resolves.toMatchObject({ message: { isPrivate: true } });
    await expect(note('x'.repeat(10_001))).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(note('   ')).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});
