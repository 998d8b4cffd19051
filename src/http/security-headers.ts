import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * The Content-Security-Policy of every page the hub serves (the inbox, /api/docs, the demo page):
 * scripts and styles only from the hub, no inline script, no framing. Message text is rendered
 * with textContent anyway; this is the second wall.
 */
const DIRECTIVES = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:', 'https:'],
  connectSrc: ["'self'", 'ws:', 'wss:'],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  objectSrc: ["'none'"],
};

/**
 * The hub's security headers on every response, with helmet: the CSP above, nosniff, no framing
 * (X-Frame-Options DENY), a same-origin referrer. Resources stay loadable cross-origin
 * (Cross-Origin-Resource-Policy: cross-origin) because other sites embed `/widget.js` and the
 * socket.io client it loads.
 */
export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: { useDefaults: false, directives: DIRECTIVES },
    crossOriginResourcePolicy: { policy: 'cross-origin' },
    crossOriginEmbedderPolicy: false,
    referrerPolicy: { policy: 'same-origin' },
    xFrameOptions: { action: 'deny' },
  });
}

/**
 * The same policy for a page that hosts the web chat widget (the demo shop at `/`): the widget is
 * made for any site and injects its own stylesheet, so that page also allows inline styles.
 * Scripts stay 'self' only.
 */
export function widgetHostPolicy(): RequestHandler {
  return helmet.contentSecurityPolicy({
    useDefaults: false,
    directives: { ...DIRECTIVES, styleSrc: ["'self'", "'unsafe-inline'"] },
  });
}
