import { z } from 'zod';
import { askStepSchema } from './ask-step';
import { branchStepSchema } from './branch-step';
import { endStepSchema } from './end-step';
import { feedbackStepSchema } from './feedback-step';
import { gotoStepSchema } from './goto-step';
import { handoffStepSchema } from './handoff-step';
import { intentStepSchema } from './intent-step';
import { sayStepSchema } from './say-step';
import { setStepSchema } from './set-step';
import { splitStepSchema } from './split-step';
import { triggerSchema } from './trigger';
import { waitStepSchema } from './wait-step';

/** Every step kind, told apart by `type`. */
export const stepSchema = z.discriminatedUnion('type', [
  sayStepSchema,
  askStepSchema,
  branchStepSchema,
  setStepSchema,
  intentStepSchema,
  feedbackStepSchema,
  handoffStepSchema,
  waitStepSchema,
  splitStepSchema,
  gotoStepSchema,
  endStepSchema,
]);

export type Step = z.infer<typeof stepSchema>;
export type StepType = Step['type'];

/** A flow file: who it is for (triggers) and what it says and asks (steps, run in order). */
export const flowSchema = z
  .strictObject({
    $schema: z.string().optional(),
    id: z.string().regex(/^[a-z][a-z0-9_-]*$/, 'a flow id: lower-case letters, digits, _ or -'),
    name: z.string().min(1).max(200),
    description: z.string().max(2000).optional(),
    triggers: z.array(triggerSchema).default([]),
    steps: z.array(stepSchema).min(1),
  })
  .superRefine((flow, ctx) => {
    const ids = new Map<string, number>();
    flow.steps.forEach((step, index) => {
      if (ids.has(step.id))
        ctx.addIssue({ code: 'custom', path: ['steps', index, 'id'], message: `step id "${step.id}" is used twice` });
      ids.set(step.id, index);
    });
    flow.steps.forEach((step, index) => {
      for (const [key, target] of stepReferences(step)) {
        if (!ids.has(target)) {
          ctx.addIssue({ code: 'custom', path: ['steps', index, ...key], message: `no step with id "${target}"` });
        }
      }
      if (step.type === 'ask' && step.input === 'choice' && !step.options) {
        ctx.addIssue({ code: 'custom', path: ['steps', index, 'options'], message: 'a choice needs options' });
      }
    });
  });

export type Flow = z.infer<typeof flowSchema>;

/** Every step id a step points at, with the path of the field that names it. */
export function stepReferences(step: Step): [(string | number)[], string][] {
  const refs: [(string | number)[], string][] = [];
  if (step.next) refs.push([['next'], step.next]);
  switch (step.type) {
    case 'ask':
      if (step.on_give_up) refs.push([['on_give_up'], step.on_give_up]);
      step.options?.forEach((option, i) => {
        if (typeof option !== 'string' && option.next) refs.push([['options', i, 'next'], option.next]);
      });
      break;
    case 'feedback':
      if (step.on_give_up) refs.push([['on_give_up'], step.on_give_up]);
      break;
    case 'branch':
      step.cases.forEach((c, i) => refs.push([['cases', i, 'goto'], c.goto]));
      if (step.else) refs.push([['else'], step.else]);
      break;
    case 'intent':
      step.intents.forEach((intent, i) => refs.push([['intents', i, 'goto'], intent.goto]));
      refs.push([['fallback'], step.fallback]);
      break;
    case 'split':
      step.variants.forEach((variant, i) => refs.push([['variants', i, 'goto'], variant.goto]));
      break;
    case 'goto':
      refs.push([['to'], step.to]);
      break;
    default:
      break;
  }
  return refs;
}
