import type { ImportStatusView } from '../../src/imports/import-service';
import type { TestUser } from '../helpers/inbox-client';
import { pollUntil } from '../helpers/poll-until';

/** What the tests need of a hub: its URL. */
export interface HubUrl {
  url: string;
}

const headersOf = (as: TestUser | { token: string }): Record<string, string> =>
  'token' in as
    ? { authorization: `Bearer ${as.token}` }
    : { cookie: as.session.cookie, 'x-csrf-token': as.session.csrf };

/** POST /api/contacts/import with a CSV body. */
export async function uploadCsv(
  hub: HubUrl,
  as: TestUser | { token: string },
  csv: string | Buffer,
  query: Record<string, string> = {},
  contentType = 'text/csv',
): Promise<{ status: number; body: { id?: string; error?: { code: string; message: string } } }> {
  const search = new URLSearchParams(query).toString();
  const response = await fetch(`${hub.url}/api/contacts/import${search ? `?${search}` : ''}`, {
    method: 'POST',
    headers: { ...headersOf(as), 'content-type': contentType },
    body: csv,
  });
  return { status: response.status, body: (await response.json()) as never };
}

export async function importStatus(
  hub: HubUrl,
  as: TestUser | { token: string },
  id: string,
): Promise<ImportStatusView> {
  const response = await fetch(`${hub.url}/api/contacts/imports/${id}`, { headers: headersOf(as) });
  if (response.status !== 200) throw new Error(`status ${response.status}: ${await response.text()}`);
  return (await response.json()) as ImportStatusView;
}

/** Uploads a file and waits for its import to end; answers the final status. */
export async function importCsv(
  hub: HubUrl,
  as: TestUser | { token: string },
  csv: string,
  query: Record<string, string> = {},
): Promise<ImportStatusView> {
  const upload = await uploadCsv(hub, as, csv, query);
  if (upload.status !== 202) throw new Error(`upload answered ${upload.status}: ${JSON.stringify(upload.body)}`);
  return waitForImport(hub, as, upload.body.id!);
}

export function waitForImport(hub: HubUrl, as: TestUser | { token: string }, id: string): Promise<ImportStatusView> {
  return pollUntil(async () => {
    const status = await importStatus(hub, as, id);
    return status.status === 'done' || status.status === 'failed' ? status : null;
  });
}

export async function errorsCsv(hub: HubUrl, as: TestUser | { token: string }, id: string): Promise<string> {
  const response = await fetch(`${hub.url}/api/contacts/imports/${id}/errors.csv`, { headers: headersOf(as) });
  if (response.status !== 200) throw new Error(`errors.csv ${response.status}: ${await response.text()}`);
  return response.text();
}
