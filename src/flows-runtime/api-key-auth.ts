import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { AppError } from '../core/errors';

/**
 * Lets a request through when it carries the configured API key (`Authorization: Bearer <key>`
 * or `X-Api-Key`). Without a configured key, nothing gets through. One small middleware, so the
 * user/API-token auth can replace it.
 */
export function requireApiKey(apiKey: string | undefined): RequestHandler {
  const expected = apiKey ? digest(apiKey) : null;
  return (req, _res, next) => {
    const header = req.get('authorization');
    const given = header?.startsWith('Bearer ') ? header.slice(7).trim() : req.get('x-api-key');
    if (!given) return next(new AppError('UNAUTHENTICATED'));
    // Hashing first makes the comparison constant-time whatever the lengths.
    if (!expected || !timingSafeEqual(digest(given), expected))
      return next(new AppError('INVALID_TOKEN', 'The API key is not valid'));
    next();
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
