import type { InboxUser } from '../../inbox/realtime-events';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }

  /**
   * The message per field of a refused input. The hub names each field it refuses: its message
   * reads `email: Invalid email; phone: not a valid phone number`, and `details.field` names one.
   */
  fieldErrors(): Record<string, string> {
    const errors: Record<string, string> = {};
    for (const part of this.message.split('; ')) {
      const match = /^([\w.]+): (.+)$/.exec(part);
      if (match && match[1] !== 'body') errors[match[1]] = match[2];
    }
    const field = (this.details as { field?: unknown } | undefined)?.field;
    if (typeof field === 'string' && !errors[field]) errors[field] = this.message.replace(/^[\w.]+: /, '');
    return errors;
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
  return body === undefined
    ? callRaw<T>(method, path)
    : callRaw<T>(method, path, JSON.stringify(body), 'application/json');
}

/** `call` with a body sent as it is (a CSV file, say) under its own content type. */
export async function callRaw<T>(method: string, path: string, body?: BodyInit, contentType?: string): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (contentType) headers['content-type'] = contentType;
  if (method !== 'GET') headers['x-csrf-token'] = csrfToken;
  const response = await fetch(`/api${path}`, { method, headers, credentials: 'same-origin', body });
  const text = await response.text();
  const data = text ? (parseJson(text) ?? {}) : {};
  if (!response.ok) {
    const error = (data as { error?: { code: string; message: string; details?: unknown } }).error;
    if (response.status === 401 && !path.startsWith('/auth/login')) onUnauthenticated();
    throw new ApiError(
      response.status,
      error?.code ?? 'INTERNAL',
      error?.message ?? response.statusText,
      error?.details,
    );
  }
  return data as T;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
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
