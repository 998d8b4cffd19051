import { AppError } from '../../src/core/errors';

/** Why the hub refused an agent's action, in words for the agent; internals never reach Slack. */
export function refusalReason(error: unknown): string {
  if (!(error instanceof AppError) || error.status >= 500) return 'something went wrong in Rapport. Please try again.';
  if (error.code === 'CONVERSATION_NOT_FOUND') {
    return 'this conversation is not yours in Rapport (it is assigned to a colleague or waits in another team).';
  }
  return `${error.message}.`;
}
