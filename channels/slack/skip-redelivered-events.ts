import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type { AgentContext } from './agent-context';
import type { HubUser } from './slack-hub';

/**
 * Global middleware: Slack redelivers events it thinks were lost (X-Slack-Retry-Num); the event
 * id decides, so a retried event is dropped before any listener sees it.
 */
export function skipRedeliveredEvents<User extends HubUser>({
  hub,
  log,
}: AgentContext<User>): Middleware<AnyMiddlewareArgs> {
  return async ({ body, next }) => {
    const eventId = (body as { event_id?: unknown }).event_id;
    if (typeof eventId === 'string' && !(await hub.firstDelivery(eventId))) {
      log.debug({ eventId, channel: 'slack' }, 'Slack event already processed');
      return;
    }
    await next();
  };
}
