import type { IncomingHttpHeaders } from 'node:http';
import type { ApiTokenStore } from '../auth/api-token-store';
import { SESSION_COOKIE } from '../auth/authenticate';
import type { Principal } from '../auth/principal';
import type { SessionStore } from '../auth/session-store';
import type { InboxConnectError } from './realtime-events';

export type HandshakeResult = { ok: true; principal: Principal } | { ok: false; error: InboxConnectError };

function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const index = part.indexOf('=');
    if (index > 0 && part.slice(0, index).trim() === name) return decodeURIComponent(part.slice(index + 1).trim());
  }
  return undefined;
}

/**
 * Checks the origin of a cookie-authenticated handshake. WebSockets are not subject to CORS, so
 * without this any site could open a socket with a signed-in agent's cookie (cross-site
 * WebSocket hijacking). The page must come from the hub itself (its Host, or PUBLIC_URL).
 */
function sameOrigin(headers: IncomingHttpHeaders, publicUrl: string | undefined): boolean {
  const origin = headers.origin;
  // Browsers omit Origin on same-origin GETs (socket.io's polling handshake) but always send
  // Sec-Fetch-Site, which page scripts cannot forge.
  if (!origin) return headers['sec-fetch-site'] === 'same-origin';
  try {
    const url = new URL(origin);
    if (publicUrl && url.origin === new URL(publicUrl).origin) return true;
    return url.host === headers.host;
  } catch {
    return false;
  }
}

/**
 * Who opens an `/inbox` socket: an API token in `auth.token` (integrations, the benchmark), or
 * the browser's session cookie from a page of the hub's own origin.
 */
export async function authenticateHandshake(
  handshake: { auth: Record<string, unknown>; headers: IncomingHttpHeaders },
  sessions: SessionStore,
  tokens: ApiTokenStore,
  publicUrl: string | undefined,
): Promise<HandshakeResult> {
  const token = handshake.auth?.token;
  if (typeof token === 'string' && token !== '') {
    const principal = await tokens.find(token);
    return principal
      ? { ok: true, principal }
      : { ok: false, error: { code: 'INVALID_TOKEN', message: 'The API token is invalid or revoked' } };
  }
  const cookie = readCookie(handshake.headers.cookie, SESSION_COOKIE);
  if (cookie) {
    if (!sameOrigin(handshake.headers, publicUrl)) {
      return { ok: false, error: { code: 'ORIGIN_NOT_ALLOWED', message: 'Connect from a page of this hub' } };
    }
    const principal = await sessions.find(cookie);
    if (principal) return { ok: true, principal };
  }
  return { ok: false, error: { code: 'UNAUTHENTICATED', message: 'Sign in to the inbox first' } };
}
