import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import type { TestApp } from '../helpers/test-app';

/** A transcript file: `flows/<name>.test.yaml`, cases run against the real hub. */
const lineSchema = z.union([
  z.strictObject({ user: z.string() }),
  z.strictObject({ bot: z.union([z.string(), z.strictObject({ text: z.string(), choices: z.array(z.string()) })]) }),
  z.strictObject({ agent: z.string() }),
  z.strictObject({ time_passes: z.literal(true) }),
]);

const contactSchema = z.union([
  z.literal('new'),
  z.enum(['maya', 'rick', 'sam']),
  z.strictObject({
    first_name: z.string().optional(),
    last_name: z.string().optional(),
    email: z.string().optional(),
    time_zone: z.string().optional(),
    locale: z.string().optional(),
    birthday: z.string().optional(),
    attributes: z.record(z.string(), z.unknown()).optional(),
    tags: z.array(z.string()).optional(),
  }),
]);

export const transcriptCaseSchema = z.strictObject({
  name: z.string(),
  contact: contactSchema,
  channel: z.enum(['sms', 'whatsapp', 'webchat']).default('sms'),
  start: z.strictObject({ event: z.string(), data: z.record(z.string(), z.unknown()).optional() }).optional(),
  /** The customer last wrote this many hours ago (WhatsApp's free-form window is 24 hours). */
  last_wrote_hours_ago: z.number().min(0).optional(),
  transcript: z.array(lineSchema).min(1),
  expect: z
    .strictObject({
      contact: z.record(z.string(), z.unknown()).optional(),
      tags_include: z.array(z.string()).optional(),
      tags_exclude: z.array(z.string()).optional(),
      feedback: z.array(z.record(z.string(), z.unknown())).optional(),
      handoff: z.union([z.literal(false), z.record(z.string(), z.unknown())]).optional(),
      run: z.string().optional(),
      handled_by: z.enum(['bot', 'human']).optional(),
      exposures: z.number().int().optional(),
    })
    .default({}),
});

export const transcriptFileSchema = z.strictObject({ flow: z.string(), cases: z.array(transcriptCaseSchema).min(1) });

export type TranscriptCase = z.infer<typeof transcriptCaseSchema>;
export type TranscriptLine = z.infer<typeof lineSchema>;

export function loadTranscripts(dir: string): { file: string; flow: string; cases: TranscriptCase[] }[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.test.yaml'))
    .sort()
    .map((name) => {
      const file = path.join(dir, name);
      const parsed = transcriptFileSchema.safeParse(parse(readFileSync(file, 'utf8')));
      if (!parsed.success) throw new Error(`${name}: ${z.prettifyError(parsed.error)}`);
      return { file: name, ...parsed.data };
    });
}

/** `/pattern/` lines are regular expressions (dot matches newlines); anything else must be equal. */
export function lineMatches(expected: string, actual: string): boolean {
  const pattern = /^\/(.*)\/$/s.exec(expected);
  return pattern ? new RegExp(pattern[1], 's').test(actual) : expected === actual;
}

export type Hub = TestApp;
