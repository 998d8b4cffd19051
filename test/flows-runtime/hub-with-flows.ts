import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startTestApp, type TestApp } from '../helpers/test-app';

/**
 * The real hub running only the given flows (file name → YAML), with SMS and WhatsApp adapters
 * that accept every message, so what the hub refuses is the hub's own decision.
 */
export async function startHubWithFlows(flows: Record<string, string>): Promise<TestApp> {
  const flowsDir = mkdtempSync(path.join(tmpdir(), 'rapport-flows-'));
  for (const [name, source] of Object.entries(flows)) writeFileSync(path.join(flowsDir, name), source);
  const hub = await startTestApp({ RAPPORT_FLOWS_ENABLED: 'true', RAPPORT_FLOWS_DIR: flowsDir });
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
