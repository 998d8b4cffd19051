import { existsSync } from 'node:fs';
import express, { Router } from 'express';
import { assetPath } from '../http/static-pages';

/** Where `npm run build` puts the inbox UI (scripts/build-inbox.ts); gitignored. */
export const INBOX_DIST = assetPath('src', 'web', 'inbox', 'dist');

/** The team inbox UI at `/inbox`; its Content-Security-Policy is the hub's (src/http/security-headers.ts). */
export function inboxPageRouter(): Router {
  const router = Router();
  router.use('/inbox', (_req, res, next) => {
    if (!existsSync(INBOX_DIST)) {
      res.status(503).type('text').send('The inbox UI is not built yet: run `npm run build`.');
      return;
    }
    next();
  });
  router.use('/inbox', express.static(INBOX_DIST, { index: 'index.html', maxAge: 0 }));
  return router;
}
