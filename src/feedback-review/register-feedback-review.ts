import type { DataSource } from 'typeorm';
import type { EventBus } from '../core/events';
import type { ApiExtension } from '../inbox/api-router';
import type { Logger } from '../logger';
import { FeedbackStore } from '../store/feedback/feedback-store';
import { FeedbackDashboard } from './dashboard';
import { FeedbackList } from './feedback-list';
import { feedbackRouter } from './feedback-router';
import { FeedbackReviewActions } from './review-actions';
import { isDetractor } from './scores';
import { StandoutTermsAnalysis } from './standout-terms';

export interface FeedbackReview {
  api: ApiExtension;
  actions: FeedbackReviewActions;
}

/**
 * Feedback review for managers: the /api/feedback routes (mounted by the inbox behind its
 * sign-in) and, when `autoFollowUp` is on, a follow-up opened for every detractor — assigned to
 * the agent who handled the conversation, or to the team inbox when nobody did.
 */
export function registerFeedbackReview(deps: {
  dataSource: DataSource;
  bus: EventBus;
  log: Logger;
  autoFollowUp: boolean;
}): FeedbackReview {
  const list = new FeedbackList(deps.dataSource);
  const actions = new FeedbackReviewActions(deps.dataSource, deps.bus, list, new FeedbackStore(deps.dataSource));
  if (deps.autoFollowUp) {
    deps.bus.on('feedback.recorded', async (event) => {
      if (!isDetractor(event.kind, event.score)) return;
      // Once per rating: a comment joining the rating announces it again.
      const landed = await actions.openFollowUp(event.feedbackId, event.conversationId, event.agentId, {
        automatic: true,
      });
      if (landed)
        deps.log.info({ conversationId: landed, feedbackId: event.feedbackId }, 'follow-up opened for a detractor');
    });
  }
  const router = feedbackRouter({
    dataSource: deps.dataSource,
    dashboard: new FeedbackDashboard(deps.dataSource),
    list,
    actions,
    terms: new StandoutTermsAnalysis(deps.dataSource),
  });
  return { api: { paths: ['/feedback'], router }, actions };
}
