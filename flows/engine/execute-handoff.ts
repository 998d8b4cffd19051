import type { HandoffStep } from '../schema/handoff-step';
import type { ExecInput, Execution } from './execution';
import type { Effect } from './types';

/** Tells the customer a person will take over, hands over with a summary, and ends the run. */
export function executeHandoff({ step, state, deps, scope, flow }: ExecInput<HandoffStep>): Execution {
  const effects: Effect[] = [];
  const text = step.text ? deps.templates.render(step.text, scope) : '';
  if (text) effects.push({ type: 'send', text });
  effects.push({
    type: 'handoff',
    team: step.team ?? null,
    reason: step.reason ?? `${flow.flow.name}: ${step.id}`,
    summary: summarize(state.answers, flow.labels),
  });
  return { state, effects, then: { kind: 'stop', status: 'handed_off' } };
}

/** Answers as "label → text" for the person who picks the conversation up. */
function summarize(answers: Record<string, unknown>, labels: Map<string, string>): Record<string, string> {
  const summary: Record<string, string> = {};
  for (const [key, value] of Object.entries(answers)) {
    if (value === null || value === undefined || value === '') continue;
    const text = Array.isArray(value)
      ? value.join(', ')
      : typeof value === 'boolean'
        ? value
          ? 'yes'
          : 'no'
        : String(value);
    summary[labels.get(key) ?? key] = text.slice(0, 1000);
  }
  return summary;
}
