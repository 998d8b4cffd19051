import { z } from 'zod';

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => ['true', '1', 'yes'].includes(value));

/** Every setting the hub reads, from the environment, once, at start. */
const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  PUBLIC_URL: z.url().optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  RAPPORT_DATA_DIR: z.string().min(1).default('./data'),
  RAPPORT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  RAPPORT_SEED_DEMO: booleanFlag.optional(),
  RAPPORT_ADMIN_EMAIL: z.email().default('admin@rapport.local'),
  RAPPORT_ADMIN_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),
  // Flows (flows/, src/flows-runtime): on by default, off in tests unless a suite turns them on.
  RAPPORT_FLOWS_ENABLED: booleanFlag.optional(),
  RAPPORT_FLOWS_DIR: z.string().min(1).default('flows'),
  RAPPORT_FLOWS_POLL_MS: z.coerce.number().int().min(100).max(3_600_000).default(5000),
  /** The key callers of `POST /api/events` send as `Authorization: Bearer <key>`. */
  RAPPORT_API_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid configuration:\n${issues.map((issue) => `  - ${issue}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment; an invalid value fails with a message naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const result = configSchema.safeParse(present);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  return result.data;
}
