import path from 'node:path';
import express, { Router } from 'express';
import { widgetHostPolicy } from './security-headers';

/** Where files that ship with the hub live, from both the source tree and dist/. */
export function assetPath(...segments: string[]): string {
  const root = path.resolve(__dirname, '..', '..');
  const projectRoot = path.basename(root) === 'dist' ? path.dirname(root) : root;
  return path.join(projectRoot, ...segments);
}

/** The demo page at `/` and the embeddable widget at `/widget.js`. */
export function staticPagesRouter(): Router {
  const router = Router();
  router.get('/widget.js', (_req, res) => {
    res.type('application/javascript').sendFile(assetPath('channels', 'webchat', 'widget', 'widget.js'));
  });
  // The demo shop hosts the widget as a customer's site would (see widgetHostPolicy).
  router.get(['/', '/index.html'], widgetHostPolicy());
  router.use(express.static(assetPath('src', 'web', 'public'), { index: 'index.html', maxAge: '5m' }));
  return router;
}
