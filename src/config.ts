import { z } from 'zod';

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => ['true', '1', 'yes'].includes(value));

/** Every setting the hub reads, from the environment, once, at start. */
const configSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().min(1).default('127.0.0.1'),
    PUBLIC_URL: z.url().optional(),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
      .optional(),
    DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
    /** On SIGTERM/SIGINT: the longest the hub takes to drain before it exits anyway (with code 1). */
    SHUTDOWN_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(600).default(10),
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
    /** Open a follow-up for every detractor (CSAT ≤ 2, NPS ≤ 6) automatically. */
    FEEDBACK_AUTO_FOLLOW_UP: booleanFlag.default(true),
    /** How socket.io events reach clients connected to other hub processes. */
    SOCKET_ADAPTER: z.enum(['none', 'postgres', 'redis']).default('none'),
    REDIS_URL: z
      .string()
      .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
      .optional(),
    /** When set, `GET /metrics` requires `Authorization: Bearer <token>`. */
    METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
    // Bot Framework (Teams, Direct Line, Web Chat): enabled when MICROSOFT_APP_ID is set, or when
    // BOTFRAMEWORK_AUTH=disabled for local development only (never accepted in production).
    MICROSOFT_APP_ID: z.string().trim().min(1).optional(),
    MICROSOFT_APP_PASSWORD: z.string().min(1).optional(),
    MICROSOFT_APP_TENANT_ID: z.string().trim().min(1).optional(),
    BOTFRAMEWORK_AUTH: z.enum(['enabled', 'disabled']).default('enabled'),

    // Slack (agents answer from threads): enabled when the token, signing secret and channel are set.
    SLACK_BOT_TOKEN: z
      .string()
      .regex(/^xoxb-/, 'must be a bot token (xoxb-…)')
      .optional(),
    SLACK_SIGNING_SECRET: z.string().min(1).optional(),
    SLACK_CHANNEL: z
      .string()
      .regex(/^[CG][A-Z0-9]+$/, 'must be a channel id such as C0123ABCD')
      .optional(),
    /** Tests and simulations only: the Web API base URL, e.g. a local fake. */
    SLACK_API_URL: z.url().optional(),
    SLACK_MIRROR: z.enum(['handoff', 'all']).default('handoff'),
    /** The flow the Slack thread's "Send CSAT survey" button starts. */
    SLACK_CSAT_FLOW_ID: z.string().min(1).default('csat-survey'),
    // Twilio (SMS + WhatsApp). Without an account SID and auth token both run in the sandbox.
    TWILIO_ACCOUNT_SID: z
      .string()
      .regex(/^AC[0-9a-fA-F]{32}$/, 'must look like AC followed by 32 hex digits')
      .optional(),
    TWILIO_AUTH_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
    TWILIO_SMS_FROM: z.string().min(3).optional(),
    TWILIO_MESSAGING_SERVICE_SID: z
      .string()
      .regex(/^MG[0-9a-fA-F]{32}$/, 'must look like MG followed by 32 hex digits')
      .optional(),
    TWILIO_WHATSAPP_FROM: z.string().min(3).optional(),
    /** Tests and simulations only: where the REST client sends its requests instead of api.twilio.com. */
    TWILIO_API_URL: z.url().optional(),
    /** Region for numbers written without a country code, e.g. US, GB, DE. */
    TWILIO_DEFAULT_REGION: z
      .string()
      .regex(/^[A-Z]{2}$/, 'must be a two-letter country code such as US')
      .default('US'),
    TWILIO_HELP_TEXT: z
      .string()
      .min(1)
      .max(1600)
      .default('Rapport: reply STOP to unsubscribe, START to subscribe again. Msg & data rates may apply.'),
    // The durable outbound queue (SMS, WhatsApp).
    OUTBOUND_RETRY_LIMIT: z.coerce.number().int().min(0).max(20).default(6),
    OUTBOUND_RETRY_DELAY_SECONDS: z.coerce.number().int().min(1).max(3600).default(2),
    // Batches sent in parallel per process, and messages claimed per batch.
    OUTBOUND_LANES: z.coerce.number().int().min(1).max(32).default(2),
    OUTBOUND_BATCH_SIZE: z.coerce.number().int().min(1).max(500).default(50),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .superRefine((config, context) => {
    if (Boolean(config.TWILIO_ACCOUNT_SID) !== Boolean(config.TWILIO_AUTH_TOKEN)) {
      context.addIssue({
        code: 'custom',
        path: ['TWILIO_AUTH_TOKEN'],
        message: 'TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN go together: set both (live) or neither (sandbox)',
      });
    }
    if (config.SOCKET_ADAPTER === 'postgres' && !config.DATABASE_URL) {
      context.addIssue({
        code: 'custom',
        path: ['SOCKET_ADAPTER'],
        message: 'postgres needs DATABASE_URL (PGlite is one process)',
      });
    }
    if (config.SOCKET_ADAPTER === 'redis' && !config.REDIS_URL) {
      context.addIssue({ code: 'custom', path: ['SOCKET_ADAPTER'], message: 'redis needs REDIS_URL' });
    }
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
