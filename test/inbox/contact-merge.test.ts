import type { ContactProfile } from '../../src/inbox/contact-service';
import { MERGE_RULES } from '../../src/store/contacts/merge-contacts';
import { api, createUser, type TestUser } from '../helpers/inbox-client';
import { textHub, useTwilioHub, waitFor } from '../helpers/twilio-hub';

/**
 * Issue 12, defect 2: a merge moved each table with one UPDATE and, on a unique clash, rolled that
 * table back — and the merged contact's rows were deleted with it. One clashing consent row lost
 * every opt-out the merged contact had, and the hub could text someone who said STOP.
 */
const env = useTwilioHub();
const { query } = env;
let manager: TestUser;
let number = 800;

beforeAll(async () => {
  manager = await createUser(env.hub, 'manager');
});

const nextPhone = () => `+1415555${String((number += 1)).padStart(4, '0')}`;

/** The customer texts `body` (see textHub). */
const text = (from: string, body: string) => textHub(env, from, body);

const merge = (survivorId: string, mergedId: string) =>
  api<ContactProfile>(env.hub, 'POST', `/contacts/${survivorId}/merge`, {
    as: manager.session,
    body: { mergeContactId: mergedId },
  });

describe('merging contacts', () => {
  it('keeps an opt-out of the merged contact although the survivor has a consent on that channel', async () => {
    const mergedPhone = nextPhone();
    const survivorPhone = nextPhone();
    const merged = await text(mergedPhone, 'STOP');
    // The survivor's own consent row on SMS is the clash that used to drop the merged contact's.
    const survivor = await text(survivorPhone, 'START');

    expect((await merge(survivor.contactId, merged.contactId)).status).toBe(200);

    expect(
      await query('SELECT status, source FROM consents WHERE contact_id = $1 AND channel = $2', [
        survivor.contactId,
        'sms',
      ]),
    ).toEqual([{ status: 'opted_out', source: 'keyword:STOP' }]);
    const evidence = await query<{ source: string; recorded_by: string }>(
      'SELECT source, recorded_by FROM consent_evidence WHERE contact_id = $1 ORDER BY created_at, id',
      [survivor.contactId],
    );
    expect(evidence).toEqual(
      expect.arrayContaining([
        { source: 'keyword:STOP', recorded_by: 'consent-gate' },
        { source: 'keyword:START', recorded_by: 'consent-gate' },
        { source: 'keyword:STOP', recorded_by: 'merge' },
      ]),
    );
    for (const conversationId of [survivor.conversationId, merged.conversationId]) {
      await expect(
        env.hub.app.outbound.send({ conversationId, text: 'A deal for you', authorKind: 'bot' }),
      ).rejects.toMatchObject({ code: 'CONTACT_OPTED_OUT' });
    }
    expect(
      env.fake.requests.filter((request) => [mergedPhone, survivorPhone].includes(String(request.params.To))),
    ).toEqual([]);
  });

  it('keeps the survivor’s opt-out when the merged contact opted in', async () => {
    const survivor = await text(nextPhone(), 'STOP');
    const merged = await text(nextPhone(), 'START');

    expect((await merge(survivor.contactId, merged.contactId)).status).toBe(200);

    expect(await query('SELECT status FROM consents WHERE contact_id = $1', [survivor.contactId])).toEqual([
      { status: 'opted_out' },
    ]);
  });

  it('moves a consent on a channel only the merged contact had, and the contact can still be written to elsewhere', async () => {
    const phone = nextPhone();
    const merged = await text(`whatsapp:${phone}`, 'STOP');
    const survivor = await text(nextPhone(), 'hello');

    await merge(survivor.contactId, merged.contactId);

    expect(
      await query('SELECT channel, status FROM consents WHERE contact_id = $1 ORDER BY channel', [survivor.contactId]),
    ).toEqual([{ channel: 'whatsapp', status: 'opted_out' }]);
    const sent = await env.hub.app.outbound.send({
      conversationId: survivor.conversationId,
      text: 'Still here by SMS',
      authorKind: 'bot',
    });
    expect(sent.status).toBe('queued');
    await waitFor(() => env.fake.accepted.some((request) => request.params.Body === 'Still here by SMS'));
  });

  it('moves feedback, flow runs and their exposures with the merged contact', async () => {
    const survivor = await text(nextPhone(), 'one');
    const merged = await text(nextPhone(), 'two');
    await query(
      "INSERT INTO flow_versions (flow_id, version, source) VALUES ('m', 'v1', 'id: m') ON CONFLICT DO NOTHING",
    );
    const [run] = await query<{ id: string }>(
      `INSERT INTO flow_runs (conversation_id, contact_id, flow_id, flow_version, status)
       VALUES ($1, $2, 'm', 'v1', 'done') RETURNING id`,
      [merged.conversationId, merged.contactId],
    );
    await query(
      `INSERT INTO flow_exposures (run_id, contact_id, flow_id, flow_version, step_id, variant)
       VALUES ($1, $2, 'm', 'v1', 'split', 'a')`,
      [run.id, merged.contactId],
    );
    await query("INSERT INTO feedback (contact_id, channel, kind, score) VALUES ($1, 'sms', 'csat', 4)", [
      merged.contactId,
    ]);
    await query("INSERT INTO feedback_requests (contact_id, channel, kind) VALUES ($1, 'sms', 'csat')", [
      merged.contactId,
    ]);

    await merge(survivor.contactId, merged.contactId);

    for (const table of ['flow_runs', 'flow_exposures', 'feedback', 'feedback_requests', 'messages']) {
      const [{ count }] = await query<{ count: string }>(`SELECT count(*) FROM ${table} WHERE contact_id = $1`, [
        merged.contactId,
      ]);
      expect({ table, left: Number(count) }).toEqual({ table, left: 0 });
    }
    const [{ count }] = await query<{ count: string }>('SELECT count(*) FROM flow_exposures WHERE contact_id = $1', [
      survivor.contactId,
    ]);
    expect(Number(count)).toBe(1);
  });

  it('has an explicit rule for every table with a contact_id', async () => {
    const tables = await query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.columns
        WHERE table_schema = current_schema() AND column_name = 'contact_id' ORDER BY table_name`,
    );
    expect([...tables.map((row) => row.table_name), 'contacts'].sort()).toEqual(Object.keys(MERGE_RULES).sort());
  });
});
