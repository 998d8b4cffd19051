import pino, { type Logger } from 'pino';

export type { Logger };

/** Structured logs; message bodies and secrets never go out at info level. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'rapport' },
    redact: ['*.password', '*.passwordHash', '*.token', '*.authToken', 'headers.authorization'],
  });
}
