import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError, toAppError } from '../core/errors';
import type { Logger } from '../logger';

/** Unknown routes answer JSON 404, like every other error. */
export const notFound: RequestHandler = (_req, _res, next) => next(new AppError('NOT_FOUND'));

/**
 * The last handler: maps any error to `{ error: { code, message } }` and its status. Body-parser
 * failures become 400/413; a value PostgreSQL refuses as data (not as a bug) 400; a lost database
 * connection 503 (retry); anything unexpected is logged and answered 500 without details.
 */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const type = (error as { type?: string }).type;
    let appError: AppError;
    if (type === 'entity.parse.failed') appError = new AppError('MALFORMED_JSON');
    else if (type === 'entity.too.large') appError = new AppError('MESSAGE_TOO_LARGE', 'The request body is too large');
    else if (isInputRefusedByDatabase(error)) {
      // A safety net, not the validation: the request schemas should have refused the value.
      appError = new AppError('VALIDATION_FAILED', 'A value in the request is not valid');
      log.warn({ sqlState: sqlStateOf(error), path: req.path }, 'request refused by the database: bad input');
    } else appError = toAppError(error);
    if (appError.code === 'INTERNAL') log.error({ err: error, path: req.path }, 'request failed');
    if (appError.code === 'UNAVAILABLE') log.warn({ err: error, path: req.path }, 'request refused: unavailable');
    if (res.headersSent) return;
    // The database is back within seconds in a restart; a hint for clients that honour it.
    if (appError.code === 'UNAVAILABLE') res.set('Retry-After', '2');
    const retryAfter = (appError.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
    if (appError.code === 'RATE_LIMITED' && typeof retryAfter === 'number') res.set('Retry-After', String(retryAfter));
    res.status(appError.status).json({ error: appError.toJSON() });
  };
}

/**
 * PostgreSQL errors a client's value causes, whatever the statement: text that is not a number or
 * uuid (22P02), NUL or another character the database cannot hold (22021, 22P05), a date or time
 * out of range (22007, 22008), a number out of range (22003). Bad input, never a 500.
 */
const INPUT_SQL_STATES = new Set(['22P02', '22021', '22P05', '22007', '22008', '22003']);

function sqlStateOf(error: unknown): string | undefined {
  if (error === null || typeof error !== 'object') return undefined;
  const { code, driverError } = error as { code?: unknown; driverError?: { code?: unknown } };
  const state = typeof code === 'string' ? code : driverError?.code;
  return typeof state === 'string' ? state : undefined;
}

function isInputRefusedByDatabase(error: unknown): boolean {
  const state = sqlStateOf(error);
  return state !== undefined && INPUT_SQL_STATES.has(state);
}
