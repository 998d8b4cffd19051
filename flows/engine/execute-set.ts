import type { SetStep } from '../schema/set-step';
import { go, type ExecInput, type Execution } from './execution';
import type { ContactPatch } from './types';

const MAX_VALUE_LENGTH = 500;

/** Writes answers into the contact's profile (fields, attributes, tags) and into the run's answers. */
export function executeSet({ step, state, deps, scope }: ExecInput<SetStep>): Execution {
  const value = (source: string | number | boolean) => clip(deps.templates.value(source, scope));
  const patch: ContactPatch = {};
  if (step.contact) {
    patch.fields = Object.fromEntries(
      Object.entries(step.contact).map(([field, source]) => {
        const text = value(source);
        return [field, text === null || text === '' ? null : String(text)];
      }),
    );
  }
  if (step.attributes) {
    patch.attributes = Object.fromEntries(Object.entries(step.attributes).map(([key, source]) => [key, value(source)]));
  }
  const tags = (sources: string[] | undefined) =>
    (sources ?? []).flatMap((source) => {
      const tag = value(source);
      return (Array.isArray(tag) ? tag : [tag]).map((item) => tagOf(item)).filter((item) => item !== '');
    });
  if (step.tags?.add) patch.addTags = tags(step.tags.add);
  if (step.tags?.remove) patch.removeTags = tags(step.tags.remove);
  const answers = step.answers
    ? {
        ...state.answers,
        ...Object.fromEntries(Object.entries(step.answers).map(([key, source]) => [key, value(source)])),
      }
    : state.answers;
  const effects = Object.keys(patch).length > 0 ? [{ type: 'contact' as const, patch }] : [];
  return { state: { ...state, answers }, effects, then: go(step.next ?? null) };
}

/** Tags are lower-case words joined by dashes: "80s Rock" → "80s-rock". */
function tagOf(value: unknown): string {
  return String(value ?? '')
    .toLowerCase()
    .trim()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 50);
}

/** Answers are customer text: keep what goes into the profile bounded. */
function clip(value: unknown): unknown {
  if (typeof value === 'string') return value.slice(0, MAX_VALUE_LENGTH);
  if (Array.isArray(value)) return value.slice(0, 50).map(clip);
  return value;
}
