import type { Template } from 'liquidjs';
import { createFlowLiquid } from '../schema/liquid';
import type { RunState, TurnContext } from './types';

/**
 * Liquid templates over `contact`, `answers`, `conversation`, `event`, `trigger`, `variant` and
 * `intent` (the last one recognised).
 * Liquid cannot run code, so a flow file is data even when a customer's answer is echoed.
 * Parsed templates are cached: a flow's texts are parsed once per process (and checked at load).
 */
export class TemplateRenderer {
  private readonly liquid = createFlowLiquid();
  private readonly parsed = new Map<string, Template[]>();

  render(source: string, scope: Record<string, unknown>): string {
    if (!source.includes('{')) return source;
    let template = this.parsed.get(source);
    if (!template) {
      template = this.liquid.parse(source);
      this.parsed.set(source, template);
    }
    return String(this.liquid.renderSync(template, scope)).trim();
  }

  /**
   * A value that is exactly `{{ path }}` keeps its type (a list of interests stays a list);
   * anything else renders to text.
   */
  value(source: string | number | boolean, scope: Record<string, unknown>): unknown {
    if (typeof source !== 'string') return source;
    const single = /^\{\{\s*([a-z_][\w.]*)\s*\}\}$/i.exec(source);
    if (single) return lookup(scope, single[1]) ?? null;
    return this.render(source, scope);
  }
}

/** The variables a template or condition sees. */
export function templateScope(state: RunState, turn: TurnContext): Record<string, unknown> {
  const { contact, conversation } = turn;
  return {
    contact: {
      ...contact,
      name: contact.first_name ?? contact.display_name ?? null,
    },
    answers: state.answers,
    conversation: { id: conversation.id, channel: conversation.channel, team: conversation.team },
    event: state.trigger.data ?? {},
    trigger: { kind: state.trigger.kind, text: state.trigger.text ?? null, event: state.trigger.event ?? null },
    variant: state.variant,
    intent: state.lastIntent ?? null,
  };
}

/** Reads `a.b.c` from nested plain objects; undefined when any step is missing. */
export function lookup(scope: Record<string, unknown>, dottedPath: string): unknown {
  let value: unknown = scope;
  for (const key of dottedPath.split('.')) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}
