import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

/** Fields whose values are secrets wherever they appear in a log object. */
const SECRET_PATHS = [
  'password',
  '*.password',
  '*.passwordHash',
  '*.password_hash',
  '*.token',
  '*.tokenHash',
  '*.token_hash',
  '*.authToken',
  '*.secret',
  'headers.authorization',
  'headers.cookie',
  'req.headers.authorization',
  'req.headers.cookie',
];

/**
 * Structured logs; message bodies and secrets never go out at info level. Errors are logged with
 * their code and statement, never a failed statement's parameters: those carry whatever the
 * statement was writing (a password hash, an API token's hash, a customer's words).
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'rapport' },
      redact: { paths: SECRET_PATHS, censor: '[redacted]' },
      serializers: { err: serializeError },
    },
    destination,
  );
}

/** What a database error says about itself that is safe to keep: never its values. */
const UNSAFE_ERROR_FIELDS = ['parameters', 'detail', 'driverError'] as const;
const STATEMENT_CHARS_KEPT = 200;

/**
 * pino's error serializer without the values a failed statement was given. TypeORM's
 * QueryFailedError carries `parameters` and the driver error; PostgreSQL's own error carries a
 * `detail` that repeats the offending values ("Key (email)=(…) already exists"). Kept: the
 * SQLSTATE code, the constraint, table and column, and the start of the statement's text (our
 * statements are parameterised, so their text holds no values).
 */
export function serializeError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const serialized = pino.stdSerializers.err(error) as unknown as Record<string, unknown>;
  const driver = (error as { driverError?: Record<string, unknown> }).driverError;
  for (const field of UNSAFE_ERROR_FIELDS) delete serialized[field];
  if (typeof serialized.query === 'string') serialized.query = serialized.query.slice(0, STATEMENT_CHARS_KEPT);
  if (driver && typeof driver === 'object') {
    for (const field of ['code', 'constraint', 'table', 'column', 'routine'] as const) {
      if (serialized[field] === undefined && typeof driver[field] === 'string') serialized[field] = driver[field];
    }
  }
  return serialized;
}
