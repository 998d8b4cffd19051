import type { FakeSlack } from '../../helpers/fake-slack';
import { pollUntil } from '../../helpers/poll-until';
import type { TestApp } from '../../helpers/test-app';
import { postEvent, startHubWithFakeSlack, threadReply } from './slack-test-kit';

// slack_events keeps processed event ids so that Slack's retries never post twice; ids older than
// a day are of no use (Slack retries within minutes) and are dropped.
let hub: TestApp;
let slack: FakeSlack;

beforeAll(async () => {
  ({ hub, slack } = await startHubWithFakeSlack());
});
afterAll(async () => {
  await hub.close();
  await slack.close();
});

const eventIds = async () =>
  (
    await hub.app.store.dataSource.query<{ event_id: string }[]>('SELECT event_id FROM slack_events ORDER BY event_id')
  ).map((row) => row.event_id);

it('drops processed event ids older than a day and keeps the recent ones', async () => {
  await hub.app.store.dataSource.query(
    `INSERT INTO slack_events (event_id, received_at) VALUES
       ('EvOld', now() - interval '25 hours'), ('EvRecent', now() - interval '23 hours')`,
  );

  const response = await postEvent(hub, threadReply('1700000000.000001', 'UGRACE', 'hello', 'EvNew'));

  // The event is acknowledged before it is handled: its id is recorded a moment later.
  const ids = await pollUntil(async () => {
    const found = await eventIds();
    return found.includes('EvNew') && found;
  });

  expect(response.status).toBe(200);
  expect(ids).toEqual(['EvNew', 'EvRecent']);
});
