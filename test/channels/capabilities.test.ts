import { channelCapabilities } from '../../channels/capabilities';
import { CHANNELS } from '../../src/core/types';
import { startTestApp, type TestApp } from '../helpers/test-app';

describe('channel capabilities', () => {
  let hub: TestApp;
  beforeAll(async () => {
    hub = await startTestApp();
  });
  afterAll(() => hub.close());

  it("each adapter the hub registers declares exactly what its channel's name looks up", () => {
    const adapters = hub.app.channels.list();
    expect(adapters.length).toBeGreaterThan(0);
    for (const adapter of adapters) expect(adapter.capabilities).toBe(channelCapabilities(adapter.channel));
  });

  it('every channel declares a text limit, and only channels without buttons number their choices', () => {
    for (const channel of CHANNELS) {
      const declared = channelCapabilities(channel);
      expect(declared.maxTextLength).toBeGreaterThan(0);
    }
    expect(channelCapabilities('sms')).toMatchObject({ buttons: false, maxTextLength: 1600 });
    expect(channelCapabilities('webchat')).toMatchObject({ buttons: true, typing: 'live' });
    expect(channelCapabilities('whatsapp').templates).toBe(true);
  });
});
