// @database-free: opens no database, so it runs in the PGlite pass only (jest.config.js).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * CI runs the whole suite twice, on PGlite and on PostgreSQL; a suite marked `// @database-free`
 * runs in the first pass only (jest.config.js). The mark is a promise that the suite's answer
 * cannot depend on the database: nothing it loads, however indirectly, opens one.
 */
const ROOT = path.resolve(__dirname, '..');
const OPENS_A_DATABASE = ['src/store/data-source.ts', 'test/helpers/database.ts', 'test/helpers/migrated-template.ts'];

/** The repository's modules a file loads at run time (type-only imports load nothing), recursively. */
function modulesLoadedBy(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/^(?:import|export)(?! type )[^;]*?from '(\.{1,2}\/[^']+)'/gms)].map(
    (match) => match[1],
  );
  for (const specifier of specifiers) {
    const base = path.resolve(path.dirname(file), specifier);
    const resolved = [`${base}.ts`, path.join(base, 'index.ts'), base].find(
      (candidate) => candidate.endsWith('.ts') && existsSync(candidate),
    );
    if (resolved) modulesLoadedBy(resolved, seen);
  }
  return seen;
}

const marked = readdirSync(path.join(ROOT, 'test'), { recursive: true })
  .map(String)
  .filter((file) => file.endsWith('.test.ts'))
  .map((file) => path.join(ROOT, 'test', file))
  .filter((file) => readFileSync(file, 'utf8').startsWith('// @database-free'));

describe('suites marked @database-free', () => {
  it('are found (the PostgreSQL pass leaves them out)', () => {
    expect(marked.length).toBeGreaterThan(10);
  });

  it.each(marked.map((file) => [path.relative(ROOT, file), file]))(
    '%s loads nothing that opens a database',
    (_, file) => {
      const loaded = [...modulesLoadedBy(file)].map((module) => path.relative(ROOT, module));
      expect(loaded.filter((module) => OPENS_A_DATABASE.includes(module))).toEqual([]);
    },
  );

  it('would catch a suite that starts a hub', () => {
    const loaded = [...modulesLoadedBy(path.join(ROOT, 'test/flows-runtime/durable-runs.test.ts'))].map((module) =>
      path.relative(ROOT, module),
    );
    expect(loaded.filter((module) => OPENS_A_DATABASE.includes(module)).length).toBeGreaterThan(0);
  });
});
