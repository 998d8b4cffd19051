// @database-free: reads the repository's files only.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { startScriptNodeFlags } from '../bench/lib/built-hub';

/**
 * The hub runs with the Node flags of `npm start` wherever it is started: the image, the image
 * check, and the benches that measure it (README, "Run at scale": a 32 MB young generation). A
 * flag changed in one place and not the others would make the benches measure another hub than
 * the one users run.
 */
const ROOT = path.resolve(__dirname, '..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
const ENTRY = 'dist/src/main.js';
/** `npm start`'s flags, read as the benches read them (it throws unless start is `node <flags> <entry>`). */
const startFlags = startScriptNodeFlags;

describe('the command that starts the hub', () => {
  it('gives V8 a 32 MB young generation in npm start', () => {
    expect(startFlags()).toEqual(['--max-semi-space-size=32']);
  });

  it('is the same in the image', () => {
    const cmd = /^CMD (\[.*\])$/m.exec(read('Dockerfile'));
    expect(cmd).not.toBeNull();
    expect(JSON.parse(cmd![1])).toEqual(['node', ...startFlags(), ENTRY]);
  });

  it('is the same in the image check', () => {
    expect(read('scripts/check-image-steps.sh')).toContain(`node ${[...startFlags(), ENTRY].join(' ')}\n`);
  });

  it('is given to every bench that runs the hub in its own process', () => {
    const inProcess = readdirSync(path.join(ROOT, 'bench'))
      .filter((file) => file.endsWith('.ts') && /import \{[^}]*\bcreateApp\b/.test(read(`bench/${file}`)))
      .map((file) => file.replace(/\.ts$/, ''));
    expect(inProcess.length).toBeGreaterThanOrEqual(5);
    for (const name of inProcess) {
      expect(scripts[`bench:${name}`]).toBe(`tsx ${startFlags().join(' ')} bench/${name}.ts`);
    }
  });
});
