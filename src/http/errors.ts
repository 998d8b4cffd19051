import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError, toAppError } from '../core/errors';
import type { Logger } from '../logger';

/** Unknown routes answer JSON 404, like every other error. */
export const notFound: RequestHandler = (_req, _res, next) => next(new AppError('NOT_FOUND'));

/**
 * The last handler: maps any error to `{ error: { code, message } }` and its status. Body-parser
 * failures become 400/413; a lost database connection 503 (retry); anything unexpected is logged
 * and answered 500 without details.
 */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const type = (error as { type?: string }).type;
    let appError: AppError;
    if (type === 'entity.parse.failed') appError = new AppError('MALFORMED_JSON');
    else if (type === 'entity.too.large') appError = new AppError('MESSAGE_TOO_LARGE', 'The request body is too large');
    else appError = toAppError(error);
    if (appError.code === 'INTERNAL') log.error({ err: error, path: req.path }, 'request failed');
    if (appError.code === 'UNAVAILABLE') log.warn({ err: error, path: req.path }, 'request refused: unavailable');
    if (res.headersSent) return;
    // The database is back within seconds in a restart; a hint for clients that honour it.
    if (appError.code === 'UNAVAILABLE') res.set('Retry-After', '2');
    res.status(appError.status).json({ error: appError.toJSON() });
  };
}
