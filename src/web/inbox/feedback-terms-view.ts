import { h, replace, type Child } from './dom';
import type { StandoutTerm } from './feedback-api';
import type { FeedbackController } from './feedback-controller';
import { icon } from './icons';

/**
 * "What customers are saying": the standout terms of negative and positive comments as chips,
 * bigger the more a term stands out. A chip shows the comments it came from in the list below.
 */
export function createTermsView(controller: FeedbackController, reveal: () => void) {
  const body = h('div', { class: 'terms-cols' });
  const root = h(
    'section',
    { class: 'card fb-terms' },
    h('header', { class: 'card-head' }, h('h3', {}, 'What customers are saying')),
    body,
  );

  function column(side: 'negative' | 'positive', title: Child[], terms: StandoutTerm[], comments: number) {
    const top = Math.max(...terms.map((term) => term.weight), 0);
    return h(
      'div',
      { class: `terms ${side}`, attrs: { 'data-side': side } },
      h('h4', {}, ...title, h('span', { class: 'muted' }, ` · ${comments} comments`)),
      h(
        'ul',
        { class: 'chips' },
        ...terms.map((term) => {
          // Five sizes, by weight relative to the side's strongest term.
          const size = top > 0 ? Math.max(1, Math.ceil((5 * term.weight) / top)) : 1;
          return h(
            'li',
            {},
            h(
              'button',
              {
                class: `chip w${size}`,
                title: `In ${term.count} comments — show them`,
                attrs: { 'data-term': term.term },
                on: {
                  click: () => {
                    void controller.showTerm(term.term, side);
                    reveal();
                  },
                },
              },
              term.term,
              h('span', { class: 'count' }, term.count),
            ),
          );
        }),
      ),
      terms.length === 0 && h('p', { class: 'empty' }, 'Nothing stands out yet.'),
    );
  }

  function render(): void {
    const terms = controller.state.terms;
    if (!terms) return;
    const { analysed, matching } = terms.comments;
    replace(
      body,
      column('negative', [icon('thumbsDown'), 'Negative'], terms.negative, terms.comments.negative),
      column('positive', [icon('thumbsUp'), 'Positive'], terms.positive, terms.comments.positive),
      // The hub reads the newest comments only (see MAX_ANALYSED_COMMENTS): say so.
      matching > analysed &&
        h(
          'p',
          { class: 'muted capped' },
          `From the newest ${analysed.toLocaleString()} of ${matching.toLocaleString()} comments: narrow the dates to see older ones.`,
        ),
    );
  }

  return { root, render };
}
