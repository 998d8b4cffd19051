import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

const SOURCE = path.resolve(__dirname, '..', 'src', 'web', 'inbox');
/** Gitignored; served at /inbox (src/inbox/inbox-page.ts). */
export const OUTPUT = path.join(SOURCE, 'dist');

/**
 * Builds the inbox UI: the TypeScript sources bundled with socket.io-client into one minified
 * script (esbuild), next to the page and its stylesheet. Type checking is `npm run typecheck`'s job.
 */
export async function buildInboxUi(): Promise<void> {
  rmSync(OUTPUT, { recursive: true, force: true });
  mkdirSync(OUTPUT, { recursive: true });
  await build({
    entryPoints: [path.join(SOURCE, 'main.ts')],
    outfile: path.join(OUTPUT, 'inbox.js'),
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: ['es2020'],
    minify: true,
    sourcemap: true,
    tsconfig: path.join(SOURCE, 'tsconfig.json'),
    logLevel: 'warning',
  });
  for (const file of ['index.html', 'inbox.css']) copyFileSync(path.join(SOURCE, file), path.join(OUTPUT, file));
}

if (require.main === module) {
  buildInboxUi().then(
    () => console.log(`inbox UI built into ${path.relative(process.cwd(), OUTPUT)}`),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
