import type { Request, RequestHandler } from 'express';
import { AppError } from '../core/errors';
import type { UserRole } from '../core/types';
import type { ApiTokenStore } from './api-token-store';
import type { Principal } from './principal';
import { safeEqual } from './secrets';
import type { SessionStore } from './session-store';

/** The cookie that carries a browser's session: httpOnly, SameSite=Lax, Secure behind https. */
export const SESSION_COOKIE = 'rapport_session';
export const CSRF_HEADER = 'x-csrf-token';

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
  }
}

/**
 * Works out who is calling: an `Authorization: Bearer` API token, else the session cookie.
 * A bad bearer token is an error (integrations want to know); a stale cookie just means "nobody".
 */
export function authenticate(sessions: SessionStore, tokens: ApiTokenStore): RequestHandler {
  return async (req, _res, next) => {
    const header = req.headers.authorization;
    if (header !== undefined) {
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      const principal = match ? await tokens.find(match[1]) : null;
      if (!principal) return next(new AppError('INVALID_TOKEN'));
      req.principal = principal;
      return next();
    }
    const cookie = (req.cookies as Record<string, string> | undefined)?.[SESSION_COOKIE];
    if (cookie) req.principal = (await sessions.find(cookie)) ?? undefined;
    next();
  };
}

/** The caller, or 401. */
export function principal(req: Request): Principal {
  if (!req.principal) throw new AppError('UNAUTHENTICATED');
  return req.principal;
}

export const requireAuth: RequestHandler = (req, _res, next) => {
  principal(req);
  next();
};

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * CSRF protection for cookie sessions (synchronizer token): a request that changes something
 * must echo the session's CSRF token in `X-CSRF-Token`. A cross-site page can make the browser
 * send the cookie but cannot read the token. API tokens are not sent by browsers, so they need none.
 */
export const csrfGuard: RequestHandler = (req, _res, next) => {
  const caller = req.principal;
  if (!caller || caller.via !== 'session' || SAFE_METHODS.has(req.method)) return next();
  const sent = req.get(CSRF_HEADER);
  if (!sent || !caller.csrfToken || !safeEqual(sent, caller.csrfToken)) return next(new AppError('CSRF_FAILED'));
  next();
};

/** What only a `full` token may change: tokens, people, and the password. */
const MANAGEMENT_PATHS = /^\/(tokens|users|auth\/password)(\/|$)/;

/**
 * API token scopes, checked for every /api route: a `read` token may only read (GET, HEAD,
 * OPTIONS); a `write` token may do anything its owner may except create or revoke tokens,
 * change people or the password (so a leaked integration token cannot mint more tokens or take
 * over the account); a `full` token, anything its owner may. Sessions are not affected.
 */
export const tokenScopeGuard: RequestHandler = (req, _res, next) => {
  const caller = req.principal;
  const scope = caller?.via === 'token' ? caller.tokenScope : undefined;
  if (!scope || scope === 'full' || SAFE_METHODS.has(req.method)) return next();
  if (scope === 'read') return next(new AppError('TOKEN_SCOPE', 'This API token may only read'));
  if (MANAGEMENT_PATHS.test(req.path)) {
    return next(new AppError('TOKEN_SCOPE', 'This API token cannot manage tokens, users or the password'));
  }
  next();
};

export function requireRole(...roles: UserRole[]): RequestHandler {
  return (req, _res, next) => {
    if (!roles.includes(principal(req).role)) return next(new AppError('FORBIDDEN'));
    next();
  };
}
