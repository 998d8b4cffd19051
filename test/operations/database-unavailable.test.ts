// @database-free: opens no database, so it runs in the PGlite pass only (jest.config.js).
import { QueryFailedError } from 'typeorm';
import { AppError, toAppError } from '../../src/core/errors';
import { isDatabaseUnavailable } from '../../src/core/database-unavailable';

const pgError = (code: string, message = 'error') => Object.assign(new Error(message), { code });

describe('telling a database outage from a bad request', () => {
  it.each([
    [
      'a refused connection (server stopped)',
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    ],
    [
      'a session terminated by a fast shutdown',
      pgError('57P01', 'terminating connection due to administrator command'),
    ],
    ['a server still starting or shutting down', pgError('57P03', 'the database system is shutting down')],
    ['a connection exception', pgError('08006')],
    ['a connection dropped mid-query', new Error('Connection terminated unexpectedly')],
    ['a pool that could not connect in time', new Error('timeout exceeded when trying to connect')],
    ['a statement TypeORM wrapped', new QueryFailedError('SELECT 1', [], pgError('57P01'))],
  ])('treats %s as UNAVAILABLE (503, retry)', (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
    expect(toAppError(error).code).toBe('UNAVAILABLE');
    expect(toAppError(error).status).toBe(503);
  });

  it.each([
    ['a unique violation', new QueryFailedError('INSERT', [], pgError('23505'))],
    ['a syntax error', pgError('42601')],
    ['a plain bug', new TypeError('x is undefined')],
  ])('keeps %s INTERNAL (500)', (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
    expect(toAppError(error).code).toBe('INTERNAL');
  });

  it('lets a known AppError through unchanged', () => {
    const error = new AppError('CONTACT_OPTED_OUT');
    expect(toAppError(error)).toBe(error);
  });
});
