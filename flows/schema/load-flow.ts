import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { isNode, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { AppError } from '../../src/core/errors';
import { flowSchema, type Flow } from './flow';

/** A validated flow and the version it was loaded at (a hash of its source). */
export interface LoadedFlow {
  flow: Flow;
  version: string;
  source: string;
  file: string;
}

/** One problem in a flow file, placed where an editor can jump to it. */
export interface FlowIssue {
  file: string;
  line: number;
  column: number;
  step?: string;
  message: string;
}

/** The version of a flow's source: runs started on it stay on it even if the file changes. */
export function flowVersion(source: string): string {
  return createHash('sha256').update(source).digest('hex').slice(0, 16);
}

/**
 * Parses and validates one flow's YAML. Throws `FLOW_INVALID` whose message lists every problem
 * as `file:line:column (step "id") message`, and whose details are the issues.
 */
export function parseFlow(source: string, file: string): LoadedFlow {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, prettyErrors: false });
  // The first syntax errors are the useful ones; later ones are usually knock-on effects.
  const issues: FlowIssue[] = doc.errors.slice(0, 3).map((error) => {
    const at = lineCounter.linePos(error.pos[0]);
    return { file, line: at.line, column: at.col, message: error.message.split('\n')[0] };
  });
  if (issues.length === 0) {
    const parsed = flowSchema.safeParse(doc.toJS());
    if (parsed.success) return { flow: parsed.data, version: flowVersion(source), source, file };
    issues.push(...parsed.error.issues.map((issue) => placeIssue(issue, doc, lineCounter, file)));
  }
  throw new AppError(
    'FLOW_INVALID',
    `Invalid flow ${file}:\n${issues.map((issue) => `  ${formatIssue(issue)}`).join('\n')}`,
    issues,
  );
}

export function formatIssue(issue: FlowIssue): string {
  const step = issue.step ? ` (step "${issue.step}")` : '';
  return `${issue.file}:${issue.line}:${issue.column}${step} ${issue.message}`;
}

/** Reads every `*.yaml` flow in a folder (not the `*.test.yaml` transcripts); any invalid one fails the lot. */
export function loadFlowsFromDir(dir: string): LoadedFlow[] {
  const files = readdirSync(dir)
    .filter((name) => name.endsWith('.yaml') && !name.endsWith('.test.yaml'))
    .sort();
  const flows = files.map((name) => loadFlowFile(path.join(dir, name)));
  const seen = new Map<string, string>();
  for (const loaded of flows) {
    const other = seen.get(loaded.flow.id);
    if (other) throw new AppError('FLOW_INVALID', `Flow id "${loaded.flow.id}" is used by ${other} and ${loaded.file}`);
    seen.set(loaded.flow.id, loaded.file);
  }
  return flows;
}

export function loadFlowFile(file: string): LoadedFlow {
  return parseFlow(readFileSync(file, 'utf8'), path.relative(process.cwd(), file) || file);
}

/** Finds the deepest YAML node on the issue's path, so the line points at the offending field. */
function placeIssue(issue: z.core.$ZodIssue, doc: Document, lines: LineCounter, file: string): FlowIssue {
  const keys = issue.path.map((key) => (typeof key === 'symbol' ? String(key) : key));
  let offset = 0;
  let lineInNode = 0;
  for (let depth = keys.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(keys.slice(0, depth), true);
    if (isNode(node) && node.range) {
      offset = node.range[0];
      // A `|` block keeps the template's lines as they are, one below the other after the `|`.
      if (depth === keys.length && isScalar(node) && node.type === 'BLOCK_LITERAL') lineInNode = templateLine(issue);
      break;
    }
  }
  const at = lines.linePos(offset);
  at.line += lineInNode;
  const stepIndex = keys[0] === 'steps' && typeof keys[1] === 'number' ? keys[1] : undefined;
  const stepIdValue = stepIndex === undefined ? undefined : doc.getIn(['steps', stepIndex, 'id']);
  const step =
    stepIndex === undefined ? undefined : typeof stepIdValue === 'string' ? stepIdValue : `#${stepIndex + 1}`;
  const where = keys.length > 0 ? `${keys.join('.')}: ` : '';
  return { file, line: at.line, column: at.col, step, message: `${where}${issue.message}` };
}

/** The line inside a template that an invalid-template issue points at (0 for other issues). */
function templateLine(issue: z.core.$ZodIssue): number {
  if (issue.code !== 'custom') return 0;
  const line = (issue.params as { templateLine?: unknown } | undefined)?.templateLine;
  return typeof line === 'number' ? line : 0;
}
