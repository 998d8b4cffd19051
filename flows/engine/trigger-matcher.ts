import type { RecognizerFactory, Recognizer } from '../nlu/recognizer';
import { normalize } from './choice-parser';
import type { CompiledFlow } from './compiled-flow';
import type { RunTrigger } from './types';

const DEFAULT_INTENT_THRESHOLD = 0.5;

/** Which flow a message or an event starts, when no run is active in the conversation. */
export class TriggerMatcher {
  private readonly keywords: { pattern: RegExp; flowId: string }[] = [];
  private readonly thresholds = new Map<string, number>();
  private readonly intents: Recognizer | null;
  private readonly welcome: string | null;
  private readonly events = new Map<string, string[]>();

  constructor(flows: CompiledFlow[], recognize: RecognizerFactory) {
    const intentExamples: { name: string; examples: string[] }[] = [];
    let welcome: string | null = null;
    for (const { flow } of flows) {
      for (const trigger of flow.triggers) {
        if (trigger.type === 'keyword') {
          for (const keyword of trigger.keywords) {
            this.keywords.push({ pattern: new RegExp(`(^|\\s)${escape(normalize(keyword))}($|\\s)`), flowId: flow.id });
          }
        } else if (trigger.type === 'intent') {
          intentExamples.push({ name: flow.id, examples: trigger.examples });
          this.thresholds.set(flow.id, trigger.threshold ?? DEFAULT_INTENT_THRESHOLD);
        } else if (trigger.type === 'new_contact') {
          welcome ??= flow.id;
        } else {
          this.events.set(trigger.event, [...(this.events.get(trigger.event) ?? []), flow.id]);
        }
      }
    }
    this.welcome = welcome;
    this.intents = intentExamples.length > 0 ? recognize(intentExamples) : null;
  }

  /** A new contact's first message starts the welcome flow; otherwise a keyword, then an intent. */
  forMessage(text: string, isNewContact: boolean): { flowId: string; trigger: RunTrigger } | null {
    if (isNewContact && this.welcome) return { flowId: this.welcome, trigger: { kind: 'new_contact', text } };
    const normalized = normalize(text.slice(0, 500));
    if (normalized === '') return null;
    const keyword = this.keywords.find(({ pattern }) => pattern.test(normalized));
    if (keyword) return { flowId: keyword.flowId, trigger: { kind: 'keyword', text } };
    if (!this.intents) return null;
    const { intent, confidence } = this.intents.classify(text);
    if (intent && confidence >= (this.thresholds.get(intent) ?? DEFAULT_INTENT_THRESHOLD)) {
      return { flowId: intent, trigger: { kind: 'intent', text } };
    }
    return null;
  }

  forEvent(name: string): string[] {
    return this.events.get(name) ?? [];
  }
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
