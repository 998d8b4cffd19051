import { z } from 'zod';
import { isTimeZone } from './campaigns/contact-sending-rules';
import { parseFrequencyCaps } from './campaigns/frequency-caps';
import { parseSendingWindow } from './campaigns/sending-window';

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => ['true', '1', 'yes'].includes(value));

/** Every setting the hub reads, from the environment, once, at start. */
export const configSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development').meta({
      description: 'How the hub runs: `production` for a deployment, `development` on a laptop, `test` in the suite.',
      production: 'set `production`',
    }),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000).meta({
      description:
        'The HTTP port the hub listens on (webhooks, web chat, inbox, `/health`, `/metrics`); 0 picks a free one.',
    }),
    HOST: z.string().min(1).default('127.0.0.1').meta({
      description:
        'The address the hub binds to. The default only answers this machine; a container or a server behind a proxy needs `0.0.0.0`.',
      production: '`0.0.0.0` behind a proxy or in a container',
    }),
    PUBLIC_URL: z.url().optional().meta({
      description:
        "The hub's public base URL, e.g. `https://chat.example.com`. Twilio signs webhooks with the URL it called, so behind a proxy the hub checks signatures against this URL; it is also printed at start.",
      production: 'required behind a proxy',
    }),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
      .optional()
      .meta({
        description:
          'PostgreSQL to use, `postgres://user:password@host:5432/db`. Without it the hub runs on embedded PGlite in `RAPPORT_DATA_DIR` (one process only); `npm run move-to-postgres` moves that data over.',
        production: 'required for more than one process',
      }),
    DATABASE_POOL_SIZE: z.coerce
      .number()
      .int()
      .min(1)
      .max(200)
      .default(10)
      .meta({ description: 'Connections each hub process opens to PostgreSQL (PGlite always uses one).' }),
    SHUTDOWN_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(600).default(10).meta({
      description:
        'On SIGTERM/SIGINT, the longest the hub takes to drain (finish accepted messages, release claimed sends, close sockets and the database) before it exits anyway with code 1.',
    }),
    RAPPORT_DATA_DIR: z.string().min(1).default('./data').meta({
      description:
        'Where the hub keeps its files: the embedded database (`pglite/`) and the generated secret (`secret`) when RAPPORT_SECRET is unset. Back it up, or mount it as a volume.',
      production: 'a persistent volume',
    }),
    RAPPORT_SECRET: z.string().min(32, 'must be at least 32 characters').optional().meta({
      description:
        'The key that signs inbox sessions and web chat visitor tokens (at least 32 characters). Unset, one is generated into `RAPPORT_DATA_DIR/secret` on first start.',
      production: 'required: the same value on every process',
    }),
    RAPPORT_SEED_DEMO: booleanFlag.optional().meta({
      description:
        'Seed the demo shop, flows and an admin user into an empty database. On by default on PGlite, off on PostgreSQL.',
      production: 'leave unset or `false`',
    }),
    RAPPORT_ADMIN_EMAIL: z
      .email()
      .default('admin@rapport.local')
      .meta({ description: 'The email of the first admin user the demo seed creates.' }),
    RAPPORT_ADMIN_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional().meta({
      description: "The first admin's password; unset, one is generated and printed once at the first start.",
    }),
    // Flows (flows/, src/flows-runtime): on by default, off in tests unless a suite turns them on.
    RAPPORT_FLOWS_ENABLED: booleanFlag.optional().meta({
      description:
        'Run the flows in `RAPPORT_FLOWS_DIR` on incoming messages. On by default, off in tests unless a suite turns them on.',
    }),
    RAPPORT_FLOWS_DIR: z
      .string()
      .min(1)
      .default('flows')
      .meta({ description: 'The folder the flow definitions (YAML/JSON) are loaded from.' }),
    RAPPORT_FLOWS_POLL_MS: z.coerce
      .number()
      .int()
      .min(100)
      .max(3_600_000)
      .default(5000)
      .meta({ description: 'How often, in milliseconds, the flow runtime looks for due timers and scheduled steps.' }),
    RAPPORT_API_KEY: z.string().min(16, 'must be at least 16 characters').optional().meta({
      description:
        'The key callers of `POST /api/events` send as `Authorization: Bearer <key>` (at least 16 characters). Unset, every call is refused.',
      production: 'required to use `/api/events`',
    }),
    LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).max(1000).default(5).meta({
      description:
        'Wrong passwords for one account before its sign-in is locked for a while (the lock doubles with each further one).',
    }),
    LOGIN_ADDRESS_MAX_FAILURES: z.coerce.number().int().min(1).max(100_000).default(20).meta({
      description: 'Wrong passwords from one client address, over any accounts, before it is locked likewise.',
    }),
    LOGIN_LOCKOUT_SECONDS: z.coerce.number().int().min(1).max(900).default(30).meta({
      description:
        'The first sign-in lockout in seconds; it doubles with each further failure, up to 15 minutes. `npm run user -- unlock` ends one.',
    }),
    FEEDBACK_AUTO_FOLLOW_UP: booleanFlag
      .default(true)
      .meta({ description: 'Open a follow-up for every detractor (CSAT ≤ 2, NPS ≤ 6) automatically.' }),
    SOCKET_ADAPTER: z.enum(['none', 'postgres', 'redis']).default('none').meta({
      description:
        'How socket.io events (web chat, inbox) reach clients connected to another hub process: `none` for one process, `postgres` (needs DATABASE_URL) or `redis` (needs REDIS_URL) for several.',
      production: '`postgres` or `redis` for more than one process',
    }),
    REDIS_URL: z
      .string()
      .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
      .optional()
      .meta({
        description: 'Redis for `SOCKET_ADAPTER=redis`, `redis://` or `rediss://`.',
        production: 'required with `SOCKET_ADAPTER=redis`',
      }),
    METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional().meta({
      description:
        'When set, `GET /metrics` requires `Authorization: Bearer <token>` (at least 16 characters). Unset in production, `/metrics` is closed.',
      production: 'required: without it, `/metrics` is closed (401 only)',
    }),
    // Bot Framework (Teams, Direct Line, Web Chat): enabled when MICROSOFT_APP_ID is set, or when
    // BOTFRAMEWORK_AUTH=disabled for local development only (never accepted in production).
    MICROSOFT_APP_ID: z.string().trim().min(1).optional().meta({
      description: 'Bot Framework (Teams, Direct Line, Web Chat) app id; setting it turns the channel on.',
      production: 'required for Bot Framework',
    }),
    MICROSOFT_APP_PASSWORD: z
      .string()
      .min(1)
      .optional()
      .meta({ description: "The Bot Framework app's client secret.", production: 'required for Bot Framework' }),
    MICROSOFT_APP_TENANT_ID: z.string().trim().min(1).optional().meta({
      description: 'The Azure tenant of a single-tenant Bot Framework app.',
      production: 'for single-tenant apps',
    }),
    BOTFRAMEWORK_AUTH: z.enum(['enabled', 'disabled']).default('enabled').meta({
      description:
        '`disabled` accepts Bot Framework activities without a token and with no app id: local development with the Emulator only, never in production.',
      production: '`enabled`',
    }),

    // Slack (agents answer from threads): enabled when the token, signing secret and channel are set.
    SLACK_BOT_TOKEN: z
      .string()
      .regex(/^xoxb-/, 'must be a bot token (xoxb-…)')
      .optional()
      .meta({
        description:
          '`disabled` accepts Bot Framework activities without a token and with no app id: local development with the Emulator only, never in production.',
        production: '`enabled`',
      })
      .meta({
        description:
          'The Slack bot token (`xoxb-…`); with SLACK_SIGNING_SECRET and SLACK_CHANNEL it turns on answering from Slack threads.',
        production: 'required for Slack',
      }),
    SLACK_SIGNING_SECRET: z.string().min(1).optional().meta({
      description: "The Slack app's signing secret: requests without a valid signature are refused.",
      production: 'required for Slack',
    }),
    SLACK_CHANNEL: z
      .string()
      .regex(/^[CG][A-Z0-9]+$/, 'must be a channel id such as C0123ABCD')
      .optional()
      .meta({
        description: 'The channel id (`C…` or `G…`) conversations are mirrored to.',
        production: 'required for Slack',
      }),
    SLACK_API_URL: z.url().optional().meta({
      description: 'Tests and simulations only: the Slack Web API base URL, e.g. a local fake.',
      production: 'unset',
    }),
    SLACK_MIRROR: z
      .enum(['handoff', 'all'])
      .default('handoff')
      .meta({ description: 'Which conversations get a Slack thread: `handoff` (when a human is asked for) or `all`.' }),
    SLACK_CSAT_FLOW_ID: z
      .string()
      .min(1)
      .default('csat-survey')
      .meta({ description: 'The flow the Slack thread\'s "Send CSAT survey" button starts.' }),
    // Twilio (SMS + WhatsApp). Without an account SID and auth token both run in the sandbox.
    TWILIO_ACCOUNT_SID: z
      .string()
      .regex(/^AC[0-9a-fA-F]{32}$/, 'must look like AC followed by 32 hex digits')
      .optional()
      .meta({
        description:
          'Twilio account SID (`AC…`). With TWILIO_AUTH_TOKEN SMS and WhatsApp run live; without both they run in the sandbox (nothing leaves the hub).',
        production: 'required for SMS/WhatsApp',
      }),
    TWILIO_AUTH_TOKEN: z.string().min(16, 'must be at least 16 characters').optional().meta({
      description: 'Twilio auth token: signs REST calls and verifies webhook signatures.',
      production: 'required for SMS/WhatsApp',
    }),
    TWILIO_SMS_FROM: z.string().min(3).optional().meta({
      description: 'The sending phone number for SMS, in E.164 (`+14155550100`), if not using a messaging service.',
      production: 'this or TWILIO_MESSAGING_SERVICE_SID for SMS',
    }),
    TWILIO_MESSAGING_SERVICE_SID: z
      .string()
      .regex(/^MG[0-9a-fA-F]{32}$/, 'must look like MG followed by 32 hex digits')
      .optional()
      .meta({
        description: 'A Twilio messaging service (`MG…`) to send SMS through instead of one number.',
        production: 'this or TWILIO_SMS_FROM for SMS',
      }),
    TWILIO_WHATSAPP_FROM: z
      .string()
      .min(3)
      .optional()
      .meta({ description: 'The WhatsApp sender number, in E.164.', production: 'required for WhatsApp' }),
    TWILIO_SANDBOX: booleanFlag.optional().meta({
      description:
        'SMS and WhatsApp against the built-in Twilio stand-in when Twilio is unset. Unset: on only for the demo seed outside production (see README, Security).',
      production: 'unset or `false` (`true` is refused)',
    }),
    TWILIO_API_URL: z.url().optional().meta({
      description: 'Tests and simulations only: where the REST client sends its requests instead of api.twilio.com.',
      production: 'unset',
    }),
    TWILIO_DEFAULT_REGION: z
      .string()
      .regex(/^[A-Z]{2}$/, 'must be a two-letter country code such as US')
      .default('US')
      .meta({
        description: 'The country (ISO 3166 two letters: US, GB, DE) for phone numbers written without a country code.',
      }),
    TWILIO_HELP_TEXT: z
      .string()
      .min(1)
      .max(1600)
      .default('Rapport: reply STOP to unsubscribe, START to subscribe again. Msg & data rates may apply.')
      .meta({ description: 'The answer to HELP/INFO keywords on SMS and WhatsApp.' }),
    // Campaigns and automations: when, how often and how fast the hub speaks first.
    SENDING_WINDOW: z
      .string()
      .default('08:00-21:00')
      .refine((text) => parseSendingWindow(text) !== null, 'must be a daytime window such as 08:00-21:00')
      .meta({
        description:
          "The hours (in each contact's own time zone) in which campaigns and automations may send; outside them a message is held until the window opens. The default is the US TCPA window; stricter laws (Florida, Mississippi, France) apply on top where the contact is presumed to be.",
      }),
    SENDING_DEFAULT_TIME_ZONE: z
      .string()
      .optional()
      .refine((zone) => zone === undefined || isTimeZone(zone), 'must be an IANA time zone such as America/New_York')
      .meta({
        description:
          'The time zone of contacts with neither a zone nor a phone number. Unset: every zone of TWILIO_DEFAULT_REGION (a message waits until it is daytime in all of them).',
      }),
    MARKETING_FREQUENCY_CAPS: z
      .string()
      .default('1/day,3/week')
      .refine((text) => !('error' in parseFrequencyCaps(text)), 'must be caps such as 1/day,3/week')
      .meta({
        description:
          'At most this many marketing messages per contact across all campaigns and automations (rolling periods: hour, day, week); a capped message waits for the next allowed moment.',
      }),
    TWILIO_SMS_MPS: z.coerce.number().positive().max(1000).default(1).meta({
      description:
        'Messages per second your SMS sender may send (long code 1, toll-free 3, short code 100, 10DLC by trust score): campaigns are paced to it, replies to customers go first.',
    }),
    TWILIO_WHATSAPP_MPS: z.coerce.number().positive().max(1000).default(80).meta({
      description: 'Messages per second for WhatsApp campaigns (Cloud API: 80, raised by Meta up to 1,000).',
    }),
    CAMPAIGN_CLAIM_SECONDS: z.coerce.number().int().min(2).max(600).default(60).meta({
      description:
        'How long a hub process holds the campaign recipients it claimed; if it dies, another process takes them after this. Each recipient is still sent once at most.',
    }),
    OUTBOUND_CLAIM_SECONDS: z.coerce.number().int().min(2).max(600).default(120).meta({
      description:
        'How long a hub process holds the SMS/WhatsApp sends it claimed; if it dies, another process takes them after this.',
    }),
    // The durable outbound queue (SMS, WhatsApp).
    OUTBOUND_RETRY_LIMIT: z.coerce.number().int().min(0).max(20).default(6).meta({
      description: 'How many times a failed SMS/WhatsApp send is retried before the message is marked failed.',
    }),
    OUTBOUND_RETRY_DELAY_SECONDS: z.coerce
      .number()
      .int()
      .min(1)
      .max(3600)
      .default(2)
      .meta({ description: "The first retry's delay in seconds; each next retry waits twice as long." }),
    // Batches sent in parallel per process, and messages claimed per batch.
    OUTBOUND_LANES: z.coerce
      .number()
      .int()
      .min(1)
      .max(32)
      .default(2)
      .meta({ description: 'Outbound batches each process sends in parallel.' }),
    OUTBOUND_BATCH_SIZE: z.coerce
      .number()
      .int()
      .min(1)
      .max(500)
      .default(50)
      .meta({ description: 'Messages claimed per outbound batch.' }),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info')
      .meta({ description: 'The pino log level. Logs are JSON lines on stdout.' }),
  })
  .superRefine((config, context) => {
    if (Boolean(config.TWILIO_ACCOUNT_SID) !== Boolean(config.TWILIO_AUTH_TOKEN)) {
      context.addIssue({
        code: 'custom',
        path: ['TWILIO_AUTH_TOKEN'],
        message: 'TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN go together: set both (live) or neither (sandbox)',
      });
    }
    if (config.NODE_ENV === 'production' && config.TWILIO_SANDBOX === true) {
      context.addIssue({
        code: 'custom',
        path: ['TWILIO_SANDBOX'],
        message: 'the Twilio sandbox is for trying the hub, never for production: unset it',
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
