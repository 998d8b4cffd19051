import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startTestApp, type TestApp } from '../helpers/test-app';

/**
 * The real hub running only the given flows (file name → YAML), with SMS and WhatsApp adapters
 * that accept every message, so what the hub refuses is the hub's own decision. `env` adds
 * configuration (an API key, say).
 */
export async function startHubWithFlows(
  flows: Record<string, string>,
  env: Record<string, string> = {},
): Promise<TestApp> {
  const flowsDir = mkdtempSync(path.join(tmpdir(), 'rapport-flows-'));
  for (const [name, source] of Object.entries(flows)) writeFileSync(path.join(flowsDir, name), source);
  const hub = await startTestApp({ ...env, RAPPORT_FLOWS_ENABLED: 'true', RAPPORT_FLOWS_DIR: flowsDir });
  for (const channel of ['sms', 'whatsapp'] as const)
    hub.app.channels.register({ channel, send: async () => ({ ok: true, status: 'sent' }) });
  return {
    ...hub,
    close: async () => {
      await hub.close();
      rmSync(flowsDir, { recursive: true, force: true });
    },
  };
}

/** Reports a business event through POST /api/events, as an integration would, to start flows. */
export function postFlowEvent(
  hub: TestApp,
  apiKey: string,
  event: { contactId: string; name: string; data?: Record<string, unknown> },
): Promise<Response> {
  return fetch(`${hub.url}/api/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
    body: JSON.stringify(event),
  });
}

/** What the bot has said in a conversation, in order, once the hub has handled what was queued. */
export async function botLines(hub: TestApp, conversationId: string): Promise<string[]> {
  await hub.app.bus.drain();
  const rows: { body: string }[] = await hub.app.store.dataSource.query(
    "SELECT body FROM messages WHERE conversation_id = $1 AND author_kind = 'bot' ORDER BY created_at, id",
    [conversationId],
  );
  return rows.map((row) => row.body);
}
