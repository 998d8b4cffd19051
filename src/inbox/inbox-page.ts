import { existsSync } from 'node:fs';
import express, { Router } from 'express';
import { assetPath } from '../http/static-pages';

/** Where `npm run build` puts the inbox UI (scripts/build-inbox.ts); gitignored. */
export const INBOX_DIST = assetPath('src', 'web', 'inbox', 'dist');

/**
 * A strict Content-Security-Policy for the inbox: scripts and styles only from the hub, no
 * inline script. Message text is rendered with textContent anyway; this is the second wall.
 */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: https:",
  "connect-src 'self' ws: wss:",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

/** The team inbox UI at `/inbox`. */
export function inboxPageRouter(): Router {
  const router = Router();
  router.use('/inbox', (_req, res, next) => {
    res.setHeader('Content-Security-Policy', CSP);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'same-origin');
    if (!existsSync(INBOX_DIST)) {
      res.status(503).type('text').send('The inbox UI is not built yet: run `npm run build`.');
      return;
    }
    next();
  });
  router.use('/inbox', express.static(INBOX_DIST, { index: 'index.html', maxAge: 0 }));
  return router;
}
