import { Router, type CookieOptions, type Request, type Response } from 'express';
import { z } from 'zod';
import { parseInput } from '../http/validate';
import type { ApiTokenStore } from './api-token-store';
import type { LoginThrottle } from './login-throttle';
import { csrfGuard, principal, requireAuth, SESSION_COOKIE } from './authenticate';
import { passwordSchema } from './passwords';
import type { SessionStore } from './session-store';
import type { UserDirectory, UserView } from './user-directory';
import { AppError } from '../core/errors';
import type { ApiOperation } from '../inbox/api-operation';

export interface AuthRouterDeps {
  users: UserDirectory;
  sessions: SessionStore;
  tokens: ApiTokenStore;
  /** Counts failed sign-ins per account and address and refuses locked ones (429). */
  throttle: LoginThrottle;
  /** True when the hub is served over https (PUBLIC_URL), so the cookie is marked Secure. */
  secureCookies: boolean;
}

const loginSchema = z.object({ email: z.string().trim().min(1).max(320), password: z.string().min(1).max(200) });
const logoutSchema = z.object({ everywhere: z.boolean().optional() });
const passwordChangeSchema = z.object({ currentPassword: z.string().min(1).max(200), newPassword: passwordSchema });
const tokenSchema = z.object({
  name: z.string().trim().min(1).max(100),
  scope: z.enum(['read', 'write', 'full']).optional().meta({
    description:
      '`read`: GET only; `write` (the default): everything but tokens, users and the password; `full`: everything you may',
  }),
  keepOnPasswordChange: z
    .boolean()
    .optional()
    .meta({ description: 'Keep the token when your password changes (by default it ends then)' }),
});
const idParam = z.object({ id: z.uuid() });

/** These routes as the OpenAPI document shows them (src/inbox/openapi.ts). */
export const authOperations: ApiOperation[] = [
  {
    method: 'post',
    path: '/auth/login',
    tag: 'auth',
    summary: 'Sign in; sets the session cookie and returns the CSRF token',
    body: loginSchema,
    response: 'Me',
  },
  {
    method: 'post',
    path: '/auth/logout',
    tag: 'auth',
    summary: 'Sign out this session ({everywhere:true}: all of them)',
    body: logoutSchema,
    status: 204,
  },
  {
    method: 'get',
    path: '/auth/me',
    tag: 'auth',
    summary: 'The signed-in user (and the CSRF token for a cookie session)',
    response: 'Me',
  },
  {
    method: 'post',
    path: '/auth/password',
    tag: 'auth',
    summary: 'Change the password; ends every other session and the API tokens not made to outlive it',
    body: passwordChangeSchema,
    status: 204,
  },
  {
    method: 'get',
    path: '/tokens',
    tag: 'auth',
    summary: 'Your API tokens (never their values)',
    response: 'TokenList',
  },
  {
    method: 'post',
    path: '/tokens',
    tag: 'auth',
    summary: 'Create an API token (scope `write` unless asked); the value is shown once',
    body: tokenSchema,
    status: 201,
    response: 'NewToken',
  },
  {
    method: 'delete',
    path: '/tokens/{id}',
    tag: 'auth',
    summary: 'Revoke an API token; its live sockets close',
    status: 204,
  },
];

/** Sign in and out, the current user, password change and the caller's own API tokens. */
export function authRouter(deps: AuthRouterDeps): Router {
  const router = Router();
  const cookieOptions = (req: Request): CookieOptions => ({
    httpOnly: true,
    sameSite: 'lax',
    secure: deps.secureCookies || req.secure,
    path: '/',
  });
  const me = (user: UserView | ReturnType<typeof principal>, csrfToken?: string) => ({
    user: { id: user.id, email: user.email, name: user.name, role: user.role, teams: user.teams },
    ...(csrfToken ? { csrfToken } : {}),
  });

  router.post('/auth/login', async (req, res: Response) => {
    const { email, password } = parseInput(loginSchema, req.body);
    // req.ip: the TCP peer, or X-Forwarded-For only when a proxy on this machine set it ('trust proxy').
    const address = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    let user: UserView | null;
    try {
      user = await deps.throttle.attempt(email, address, () => deps.users.verifyLogin(email, password));
    } catch (error) {
      const retryAfter = (error as AppError).details as { retryAfterSeconds?: number } | undefined;
      if (error instanceof AppError && retryAfter?.retryAfterSeconds) {
        res.set('Retry-After', String(retryAfter.retryAfterSeconds));
      }
      throw error;
    }
    if (!user) throw new AppError('INVALID_CREDENTIALS');
    const session = await deps.sessions.create(user.id, req.get('user-agent'));
    res.cookie(SESSION_COOKIE, session.token, { ...cookieOptions(req), expires: session.expiresAt });
    res.json(me(user, session.csrfToken));
  });

  router.get('/auth/me', requireAuth, (req, res) => {
    const caller = principal(req);
    res.json(me(caller, caller.csrfToken));
  });

  router.post('/auth/logout', requireAuth, csrfGuard, async (req, res) => {
    const caller = principal(req);
    const { everywhere } = parseInput(logoutSchema, req.body);
    if (everywhere) await deps.sessions.endOthers(caller.id, null);
    else if (caller.sessionId) await deps.sessions.end(caller.id, caller.sessionId);
    res.clearCookie(SESSION_COOKIE, cookieOptions(req));
    res.status(204).end();
  });

  router.post('/auth/password', requireAuth, csrfGuard, async (req, res) => {
    const caller = principal(req);
    const { currentPassword, newPassword } = parseInput(passwordChangeSchema, req.body);
    await deps.users.changePassword(caller.id, currentPassword, newPassword);
    // Whoever else knew the old password is signed out, and their live sockets closed; so are
    // tokens made with it, unless they were made to outlive it.
    await deps.sessions.endOthers(caller.id, caller.sessionId ?? null);
    await deps.tokens.endOnPasswordChange(caller.id);
    res.status(204).end();
  });

  router.get('/tokens', requireAuth, async (req, res) => {
    res.json({ tokens: await deps.tokens.list(principal(req).id) });
  });

  router.post('/tokens', requireAuth, csrfGuard, async (req, res) => {
    const { name, scope, keepOnPasswordChange } = parseInput(tokenSchema, req.body);
    const created = await deps.tokens.create(principal(req).id, name, { scope, keepOnPasswordChange });
    res.status(201).json({ token: created.token, ...created.info });
  });

  router.delete('/tokens/:id', requireAuth, csrfGuard, async (req, res) => {
    const { id } = parseInput(idParam, req.params);
    await deps.tokens.revoke(principal(req).id, id);
    res.status(204).end();
  });

  return router;
}
