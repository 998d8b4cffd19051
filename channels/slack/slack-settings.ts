/** The configuration variables the Slack app reads (a slice of the hub's Config). */
export interface SlackConfig {
  SLACK_BOT_TOKEN?: string;
  SLACK_SIGNING_SECRET?: string;
  SLACK_CHANNEL?: string;
  SLACK_API_URL?: string;
  SLACK_MIRROR: 'handoff' | 'all';
  SLACK_CSAT_FLOW_ID: string;
}

export type SlackSettings =
  | { enabled: false; reason: string }
  | {
      enabled: true;
      token: string;
      signingSecret: string;
      channel: string;
      /** The Web API base URL with its trailing slash, when not Slack's own. */
      apiUrl?: string;
      mirror: 'handoff' | 'all';
      csatFlowId: string;
    };

const REQUIRED = ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_CHANNEL'] as const;

/**
 * Slack runs when its token, signing secret and channel are all set; setting only some of them
 * is a mistake, reported with the names of the missing variables.
 */
export function resolveSlackSettings(config: SlackConfig): SlackSettings {
  const missing = REQUIRED.filter((name) => !config[name]);
  if (missing.length === REQUIRED.length) return { enabled: false, reason: 'SLACK_BOT_TOKEN is not set' };
  if (missing.length > 0) {
    throw new Error(`${missing.join(', ')}: required when any of ${REQUIRED.join(', ')} is set`);
  }
  const apiUrl = config.SLACK_API_URL;
  return {
    enabled: true,
    token: config.SLACK_BOT_TOKEN as string,
    signingSecret: config.SLACK_SIGNING_SECRET as string,
    channel: config.SLACK_CHANNEL as string,
    ...(apiUrl ? { apiUrl: apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/` } : {}),
    mirror: config.SLACK_MIRROR,
    csatFlowId: config.SLACK_CSAT_FLOW_ID,
  };
}
