import { startHubsSharingDatabase, type TestApp } from '../helpers/test-app';
import { connectInbox, createUser, nextEvent, type InboxSocket } from '../helpers/inbox-client';
import { PrivatePostgres } from './private-postgres';

// A PostgreSQL cluster of the test's own, stopped and started under a hub with an agent connected.
jest.setTimeout(120_000);

let postgres: PrivatePostgres;
let hub: TestApp;
let socket: InboxSocket | undefined;

beforeAll(async () => {
  postgres = await PrivatePostgres.start();
  const [started] = await startHubsSharingDatabase(postgres.url, 1);
  hub = { ...started, close: () => started.app.close() };
});
afterAll(async () => {
  socket?.close();
  await hub?.close();
  await postgres?.destroy();
});

describe('the inbox during a database outage', () => {
  it('tells a connected agent the hub lost its database, and that it is back, without a restart', async () => {
    const agent = await createUser(hub, 'agent', ['support']);
    socket = await connectInbox(hub, agent.session);

    // The socket itself stays up through the outage: only this event can tell the agent.
    const lost = nextEvent(socket, 'hub.database', ({ available }) => !available, 20_000);
    await postgres.stop();
    expect(await lost).toEqual({ available: false });
    expect(socket.connected).toBe(true);
    expect((await fetch(`${hub.url}/ready`)).status).toBe(503);

    const back = nextEvent(socket, 'hub.database', ({ available }) => available, 20_000);
    await postgres.start();
    expect(await back).toEqual({ available: true });
    expect((await fetch(`${hub.url}/ready`)).status).toBe(200);
    expect(hub.app.databaseWatch?.isAvailable).toBe(true);
  });
});
