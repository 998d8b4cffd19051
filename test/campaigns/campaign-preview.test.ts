import { ConsentStore } from '../../src/store/contacts/consent-store';
import { api, createUser, type TestUser } from '../helpers/inbox-client';
import { useTwilioHub } from '../helpers/twilio-hub';

/**
 * POST /api/campaigns/preview: the composer's draft (saved or not) personalised for sample
 * contacts of its audience with the campaigns' own Personalizer, with the launch estimate.
 */
const env = useTwilioHub({ TWILIO_SMS_MPS: '1' });
let manager: TestUser;
let segmentId: string;

const asManager = <T = Record<string, unknown>>(method: string, path: string, body?: unknown) =>
  api<T>(env.hub, method, path, { as: manager.session, body });

interface Preview {
  estimate: { audience: number; reachable: number; warnings: string[]; messagesPerSecond: number };
  experiment: { arms: number; perArm: number; minimumDetectableEffect: number | null } | null;
  samples: {
    contactId: string;
    name: string;
    messages: { variant: string | null; kind: string; text: string | null; flowId?: string; error?: string }[];
  }[];
}

const draft = (extra: Record<string, unknown> = {}) => ({
  audience: { segmentId },
  channel: 'sms',
  purpose: 'marketing',
  message: { text: 'Hi {{ contact.first_name | default: "there" }}, {{ contact.attributes.points }} points to spend.' },
  ...extra,
});

beforeAll(async () => {
  manager = await createUser(env.hub, 'manager');
  const consents = new ConsentStore(env.hub.app.store.dataSource, env.hub.app.bus);
  const people: [string | null, string, number][] = [
    ['Ada', '+12125550201', 120],
    ['Grace', '+12125550202', 80],
    [null, '+12125550203', 5],
    ['Linus', '+358401234567', 0],
  ];
  for (const [first, phone, points] of people) {
    const [row] = await env.query<{ id: string }>(
      `INSERT INTO contacts (first_name, phone, attributes, tags) VALUES ($1, $2, jsonb_build_object('points', $3::int), $4)
       RETURNING id`,
      [first, phone, points, ['preview-test']],
    );
    if (first !== 'Linus') {
      await consents.record(row.id, 'sms', 'opted_in', { source: 'web-form:signup', recordedBy: 'test' });
    }
  }
  const segment = await asManager<{ id: string }>('POST', '/segments', {
    name: 'Preview test',
    rules: { tag: 'preview-test' },
  });
  segmentId = segment.body.id;
});

describe('the campaign preview', () => {
  it('renders an unsaved draft for named contacts of the audience first, with the launch estimate', async () => {
    const { status, body } = await asManager<Preview>('POST', '/campaigns/preview', draft());
    expect(status).toBe(200);
    expect(body.samples.map((sample) => sample.name)).toEqual(['Ada', 'Grace', 'Linus']);
    expect(body.samples.map((sample) => sample.messages[0].text)).toEqual([
      'Hi Ada, 120 points to spend.',
      'Hi Grace, 80 points to spend.',
      'Hi Linus, 0 points to spend.',
    ]);
    expect(body.estimate).toMatchObject({ audience: 4, reachable: 3, messagesPerSecond: 1 });
    expect(body.estimate.warnings).toContain('1 of the audience have no opt-in on sms: they will be skipped.');
    // No variants and no holdout: no experiment, so no power figures.
    expect(body.experiment).toBeNull();
  });

  it('renders each variant, as many samples as asked, and says a flow starts instead of a text', async () => {
    const { status, body } = await asManager<Preview>(
      'POST',
      '/campaigns/preview',
      draft({
        samples: 5,
        holdoutPercent: 50,
        variants: [
          { name: 'short', weight: 1, message: { text: '{{ contact.name | default: "Friend" }}: 10% off' } },
          { name: 'flow', weight: 1, message: { flowId: 'birthday-reward' } },
        ],
      }),
    );
    expect(status).toBe(200);
    expect(body.samples).toHaveLength(4);
    expect(body.samples[3].messages).toEqual([
      { variant: 'short', kind: 'text', text: 'Friend: 10% off' },
      { variant: 'flow', kind: 'flow', text: null, flowId: 'birthday-reward' },
    ]);
    // The holdout keeps half out: two of the four with a number are sent, both opted in.
    expect(body.estimate.reachable).toBe(2);
    // Before launch: a holdout of 2 and two variants of 1 each — far too few to detect anything.
    expect(body.experiment).toMatchObject({ arms: 3, perArm: 1, minimumDetectableEffect: null });
  });

  it('answers the template a WhatsApp draft would send, its variables personalised', async () => {
    const { status, body } = await asManager<{ samples: { messages: { template: unknown }[] }[] }>(
      'POST',
      '/campaigns/preview',
      draft({
        channel: 'whatsapp',
        message: {
          template: { contentSid: `HX${'a'.repeat(32)}`, contentVariables: { '1': '{{ contact.first_name }}' } },
        },
      }),
    );
    expect(status).toBe(200);
    expect(body.samples[0].messages[0].template).toEqual({
      contentSid: `HX${'a'.repeat(32)}`,
      contentVariables: { '1': 'Ada' },
    });
  });

  it('refuses a text that is not a template with the field, line and column named', async () => {
    const { status, body } = await asManager<{ error: { code: string; message: string } }>(
      'POST',
      '/campaigns/preview',
      draft({ message: { text: 'Hi {{ contact.first_name ' } }),
    );
    expect(status).toBe(400);
    expect(body.error.code).toBe('VALIDATION_FAILED');
    expect(body.error.message).toMatch(/^message\.text: not a valid template \(line 1, column \d+\)/);
  });

  it('refuses a bad channel, a holdout over 50% and an SMS template without text, naming each field', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ channel: 'fax' }, /channel/],
      [{ holdoutPercent: 80 }, /holdoutPercent/],
      [{ samples: 9 }, /samples/],
      [
        { message: { template: { contentSid: `HX${'b'.repeat(32)}` } } },
        /message: SMS cannot send a WhatsApp template/,
      ],
      [{ audience: { segmentId: 'vip' } }, /audience\.segmentId/],
    ];
    for (const [extra, message] of cases) {
      const { status, body } = await asManager<{ error: { message: string } }>(
        'POST',
        '/campaigns/preview',
        draft(extra),
      );
      expect({ status, message: body.error.message }).toEqual({ status: 400, message: expect.stringMatching(message) });
    }
  });

  it('answers 404 for a segment that does not exist', async () => {
    const { status, body } = await asManager<{ error: { code: string } }>(
      'POST',
      '/campaigns/preview',
      draft({ audience: { segmentId: '00000000-0000-4000-8000-000000000000' } }),
    );
    expect(status).toBe(404);
    expect(body.error.code).toBe('SEGMENT_NOT_FOUND');
  });

  it('is for managers and admins: an agent gets 403', async () => {
    const agent = await createUser(env.hub, 'agent');
    const { status } = await api(env.hub, 'POST', '/campaigns/preview', { as: agent.session, body: draft() });
    expect(status).toBe(403);
    const admin = await createUser(env.hub, 'admin');
    expect((await api(env.hub, 'POST', '/campaigns/preview', { as: admin.session, body: draft() })).status).toBe(200);
  });
});
