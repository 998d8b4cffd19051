import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AppError } from '../../src/core/errors';
import { flowJsonSchema } from '../../flows/schema/json-schema';
import { loadFlowsFromDir, parseFlow, type FlowIssue } from '../../flows/schema/load-flow';
import pino from 'pino';
import { createApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { createMigratedTestDatabase } from '../helpers/database';
import { migratedPgliteDump } from '../helpers/migrated-template';

const FLOWS_DIR = path.resolve(__dirname, '../../flows');

function issuesOf(source: string, file = 'flows/broken.yaml'): FlowIssue[] {
  try {
    parseFlow(source, file);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('FLOW_INVALID');
    return (error as AppError).details as FlowIssue[];
  }
  throw new Error('the flow was accepted');
}

const flow = (steps: string) => `id: broken\nname: Broken\nsteps:\n${steps}`;

describe('flow files', () => {
  it('loads every shipped flow', () => {
    const flows = loadFlowsFromDir(FLOWS_DIR).map((loaded) => loaded.flow.id);
    expect(flows).toEqual(expect.arrayContaining(['welcome', 'post-purchase', 'birthday-reward', 'win-back', 'faq']));
  });

  it('keeps flows/schema.json generated from the zod schema (run `npm run flows:schema`)', () => {
    const committed = JSON.parse(readFileSync(path.join(FLOWS_DIR, 'schema.json'), 'utf8'));
    expect(committed).toEqual(JSON.parse(JSON.stringify(flowJsonSchema())));
  });

  it('names the file, line and step of an unknown step type', () => {
    const issues = issuesOf(
      flow('  - id: hello\n    type: say\n    text: Hi\n  - id: oops\n    type: shout\n    text: HI\n'),
    );
    expect(issues).toEqual([
      expect.objectContaining({
        file: 'flows/broken.yaml',
        line: 8,
        step: 'oops',
        message: expect.stringMatching(/type/),
      }),
    ]);
  });

  it('names the step whose goto points at no step', () => {
    const issues = issuesOf(flow('  - id: start\n    type: goto\n    to: nowhere\n'));
    expect(issues).toEqual([
      expect.objectContaining({ line: 6, step: 'start', message: 'steps.0.to: no step with id "nowhere"' }),
    ]);
  });

  it('rejects a step id used twice', () => {
    const issues = issuesOf(flow('  - id: a\n    type: end\n  - id: a\n    type: end\n'));
    expect(issues[0]).toMatchObject({ line: 6, step: 'a', message: expect.stringMatching(/used twice/) });
  });

  it('rejects a choice without options and a wait without a moment', () => {
    const issues = issuesOf(
      flow('  - id: pick\n    type: ask\n    input: choice\n    prompt: Which?\n  - id: later\n    type: wait\n'),
    );
    expect(issues.map((issue) => issue.step).sort()).toEqual(['later', 'pick']);
  });

  it('rejects unknown fields instead of ignoring a typo', () => {
    const issues = issuesOf(flow('  - id: hi\n    type: say\n    txet: Hello\n'));
    expect(issues[0]).toMatchObject({ step: 'hi', line: 4 });
  });

  it('rejects a template with an unknown filter, naming its line and step', () => {
    const issues = issuesOf(flow('  - id: hi\n    type: say\n    text: "Hi {{ contact.first_name | shout }}"\n'));
    expect(issues).toEqual([
      expect.objectContaining({
        line: 6,
        step: 'hi',
        message: 'steps.0.text: invalid template: undefined filter: shout (template line 1, column 4)',
      }),
    ]);
  });

  it('points at the line of an unclosed tag inside a multi-line template', () => {
    const issues = issuesOf(
      flow(
        '  - id: hi\n    type: say\n    text: |\n      Hello\n      {% if contact.vip %}VIP\n  - id: bye\n    type: end\n',
      ),
    );
    expect(issues).toEqual([
      expect.objectContaining({
        line: 8,
        step: 'hi',
        message: expect.stringMatching(/tag \{% if contact\.vip %\} not closed/),
      }),
    ]);
  });

  it('checks the templates of every step kind: prompts, retries, set values, tags, wait moments', () => {
    const issues = issuesOf(
      flow(
        [
          '  - id: q',
          '    type: ask',
          '    input: text',
          '    prompt: "{{ answers.x | nope }}"',
          '    retry_prompt: "{% unless x %}"',
          '  - id: s',
          '    type: set',
          '    attributes: { a: "{{ answers.x | nope }}" }',
          '    tags: { remove: ["{% for %}"] }',
          '  - id: w',
          '    type: wait',
          '    at: "{{ event.when"',
          '',
        ].join('\n'),
      ),
    );
    expect(issues.map((issue) => issue.message.split(':')[0])).toEqual([
      'steps.0.prompt',
      'steps.0.retry_prompt',
      'steps.1.attributes.a',
      'steps.1.tags.remove.0',
      'steps.2.at',
    ]);
  });

  it('accepts the filters and tags liquid ships with', () => {
    const source = flow(
      '  - id: hi\n    type: say\n    text: "{% if contact.vip %}Hi {{ contact.name | default: \'there\' | capitalize }}{% endif %}"\n',
    );
    expect(parseFlow(source, 'flows/fine.yaml').flow.steps).toHaveLength(1);
  });

  it('reports YAML syntax errors with their line', () => {
    const issues = issuesOf('id: broken\nname: [Broken\nsteps: []\n');
    expect(issues[0]).toMatchObject({ file: 'flows/broken.yaml', line: expect.any(Number) });
    expect(issues[0].line).toBeGreaterThanOrEqual(2);
  });

  it('refuses two flows with the same id in one folder', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rapport-flows-'));
    try {
      const source = 'id: twin\nname: Twin\nsteps:\n  - id: bye\n    type: end\n';
      writeFileSync(path.join(dir, 'a.yaml'), source);
      writeFileSync(path.join(dir, 'b.yaml'), source);
      expect(() => loadFlowsFromDir(dir)).toThrow(/Flow id "twin" is used by/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stops the hub from starting when a flow or one of its templates is invalid, naming file, line and step', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rapport-flows-'));
    const database = await createMigratedTestDatabase();
    try {
      writeFileSync(
        path.join(dir, 'bad.yaml'),
        flow(
          '  - id: ask_age\n    type: ask\n    input: age\n    prompt: How old?\n' +
            '  - id: greet\n    type: say\n    text: "Hi {{ contact.name | nosuchfilter }}"\n',
        ),
      );
      const config = loadConfig({
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        RAPPORT_DATA_DIR: dir,
        RAPPORT_SEED_DEMO: 'false',
        RAPPORT_FLOWS_ENABLED: 'true',
        RAPPORT_FLOWS_DIR: dir,
        ...(database.url ? { DATABASE_URL: database.url } : {}),
      });
      const failure = await createApp(config, {
        pgliteDataDir: 'memory://',
        pgliteDump: migratedPgliteDump(),
        logger: pino({ level: 'silent' }),
      }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(AppError);
      expect((failure as AppError).message).toMatch(/bad\.yaml:6:12 \(step "ask_age"\) steps\.0\.input/);
      expect((failure as AppError).message).toMatch(
        /bad\.yaml:10:11 \(step "greet"\) .*undefined filter: nosuchfilter/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await database.drop();
    }
  });
});
