import type { ConfigurationBotFrameworkAuthenticationOptions } from 'botbuilder';

/** The configuration variables this channel reads (a slice of the hub's Config). */
export interface BotFrameworkConfig {
  NODE_ENV: 'development' | 'production' | 'test';
  MICROSOFT_APP_ID?: string;
  MICROSOFT_APP_PASSWORD?: string;
  MICROSOFT_APP_TENANT_ID?: string;
  BOTFRAMEWORK_AUTH: 'enabled' | 'disabled';
}

export type BotFrameworkSettings =
  | { enabled: false; reason: string }
  | {
      enabled: true;
      /** True only when BOTFRAMEWORK_AUTH=disabled: any request is accepted, replies are unsigned. */
      authDisabled: boolean;
      appId: string;
      authOptions: ConfigurationBotFrameworkAuthenticationOptions;
    };

/**
 * Decides whether the channel runs and how it authenticates. Authentication is on unless it is
 * switched off explicitly, and switching it off is refused in production. Throws an error naming
 * the variable when the combination cannot work.
 */
export function resolveBotFrameworkSettings(config: BotFrameworkConfig): BotFrameworkSettings {
  if (config.BOTFRAMEWORK_AUTH === 'disabled') {
    if (config.NODE_ENV === 'production') {
      throw new Error('BOTFRAMEWORK_AUTH: "disabled" is for local development only and refused in production');
    }
    // An empty app id is how botbuilder spells "accept unauthenticated requests".
    return { enabled: true, authDisabled: true, appId: '', authOptions: { MicrosoftAppId: '' } };
  }
  const appId = config.MICROSOFT_APP_ID;
  if (!appId) {
    return { enabled: false, reason: 'MICROSOFT_APP_ID is not set' };
  }
  if (!config.MICROSOFT_APP_PASSWORD) {
    throw new Error('MICROSOFT_APP_PASSWORD: required when MICROSOFT_APP_ID is set');
  }
  const tenantId = config.MICROSOFT_APP_TENANT_ID;
  return {
    enabled: true,
    authDisabled: false,
    appId,
    authOptions: {
      MicrosoftAppId: appId,
      MicrosoftAppPassword: config.MICROSOFT_APP_PASSWORD,
      // New Azure bot registrations are single-tenant; a tenant id says which one.
      MicrosoftAppType: tenantId ? 'SingleTenant' : 'MultiTenant',
      ...(tenantId ? { MicrosoftAppTenantId: tenantId } : {}),
    },
  };
}
