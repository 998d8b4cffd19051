import cookieParser from 'cookie-parser';
import express, { Router } from 'express';
import type { DataSource } from 'typeorm';
import type { ApiTokenStore } from '../auth/api-token-store';
import { authenticate, csrfGuard, requireAuth, tokenScopeGuard } from '../auth/authenticate';
import { authRouter } from '../auth/auth-router';
import type { LoginThrottle } from '../auth/login-throttle';
import type { SessionStore } from '../auth/session-store';
import type { UserDirectory } from '../auth/user-directory';
import { usersRouter } from '../auth/users-router';
import { API_DOCS_CSS, apiDocsPage } from './api-docs-page';
import type { CannedResponses } from './canned-responses';
import type { MergeResult } from './contact-merge';
import type { ContactService } from './contact-service';
import { contactsRouter } from './contacts-router';
import { conversationsRouter } from './conversations-router';
import type { FlowRequests } from './flow-requests';
import type { InboxCommands } from './inbox-commands';
import type { InboxQueries } from './inbox-queries';
import { openApiDocument } from './openapi';

export interface ApiDeps {
  dataSource: DataSource;
  users: UserDirectory;
  sessions: SessionStore;
  tokens: ApiTokenStore;
  loginThrottle: LoginThrottle;
  queries: InboxQueries;
  commands: InboxCommands;
  flowRequests: FlowRequests;
  contacts: ContactService;
  canned: CannedResponses;
  onMerged: (result: MergeResult) => void;
  secureCookies: boolean;
  publicUrl?: string;
  /** Routers of other parts (feedback review) behind the same sign-in and CSRF checks. */
  extensions?: ApiExtension[];
}

/** A router mounted under /api for the given paths, after authentication and the CSRF guard. */
export interface ApiExtension {
  paths: string[];
  router: Router;
}

/**
 * The REST API under `/api`: its own JSON body parser, cookie and token authentication, CSRF
 * checks for cookie sessions, and the OpenAPI document at /api/openapi.json and /api/docs.
 * Errors go through the hub's error handler as `{ error: { code, message } }`.
 */
export function apiRouter(deps: ApiDeps): Router {
  const router = Router();
  router.use(express.json({ limit: '256kb' }), cookieParser());

  // The server URL is the configured one, else relative: never the request's Host header, which
  // anyone can set (a cached or proxied document would point readers at their host).
  const serverUrl = `${deps.publicUrl?.replace(/\/+$/, '') ?? ''}/api`;
  router.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument(serverUrl));
  });
  router.get('/docs', (_req, res) => {
    res.type('html').send(apiDocsPage(openApiDocument(serverUrl)));
  });
  router.get('/docs.css', (_req, res) => {
    res.type('css').send(API_DOCS_CSS);
  });

  router.use(authenticate(deps.sessions, deps.tokens));
  router.use(tokenScopeGuard);
  router.use(
    authRouter({
      users: deps.users,
      sessions: deps.sessions,
      tokens: deps.tokens,
      throttle: deps.loginThrottle,
      secureCookies: deps.secureCookies,
    }),
  );
  router.use(usersRouter(deps.users));
  router.use(['/conversations', '/contacts', '/canned-responses'], requireAuth, csrfGuard);
  router.use(conversationsRouter(deps.queries, deps.commands, deps.flowRequests));
  router.use(contactsRouter(deps.dataSource, deps.contacts, deps.canned, deps.onMerged));
  for (const extension of deps.extensions ?? []) {
    router.use(extension.paths, requireAuth, csrfGuard);
    router.use(extension.router);
  }
  return router;
}
