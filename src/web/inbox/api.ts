import type { InboxUser } from '../../inbox/realtime-events';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

let csrfToken = '';
let onUnauthenticated: () => void = () => undefined;

export function setCsrfToken(token: string): void {
  csrfToken = token;
}

export function whenSignedOut(handler: () => void): void {
  onUnauthenticated = handler;
}

/**
 * Calls the hub's API with the session cookie; every change carries the CSRF token the hub gave
 * at sign-in. A 401 means the session ended elsewhere (logout, password change): back to sign-in.
 */
export async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') headers['x-csrf-token'] = csrfToken;
  const response = await fetch(`/api${path}`, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const data = text ? (JSON.parse(text) as unknown) : {};
  if (!response.ok) {
    const error = (data as { error?: { code: string; message: string } }).error;
    if (response.status === 401 && !path.startsWith('/auth/login')) onUnauthenticated();
    throw new ApiError(response.status, error?.code ?? 'INTERNAL', error?.message ?? response.statusText);
  }
  return data as T;
}

export interface SignedIn {
  user: InboxUser;
  csrfToken?: string;
}

export async function currentUser(): Promise<SignedIn | null> {
  const response = await fetch('/api/auth/me', { credentials: 'same-origin' });
  if (response.status !== 200) return null;
  return (await response.json()) as SignedIn;
}
