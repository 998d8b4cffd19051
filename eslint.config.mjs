import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'data/**',
      '.scratch/**',
      'coverage/**',
      'src/web/inbox/dist/**',
      'src/web/public/assets/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'natural', message: "Import natural's submodules only (see DEPENDENCIES.md)." }],
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        module: 'writable',
        require: 'readonly',
        __dirname: 'readonly',
        process: 'readonly',
        console: 'readonly',
      },
    },
  },
  {
    files: ['channels/webchat/widget/**/*.js', 'src/web/**/*.js'],
    languageOptions: {
      sourceType: 'script',
      globals: {
        window: 'readonly',
        document: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        crypto: 'readonly',
        Event: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
      },
    },
  },
  {
    // Only stores touch tables (issue 12): SQL lives in src/store/**, migrations/ and test/.
    // Services, routers, channels and the flow engine ask a store.
    files: ['src/**/*.ts', 'channels/**/*.ts', 'flows/**/*.ts'],
    ignores: ['src/store/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.property.name='query']",
          message: 'Only stores touch tables: move this SQL into its store in src/store/.',
        },
        {
          selector: 'CallExpression[callee.name=/^(preparedQuery|queryRows)$/]',
          message: 'Only stores touch tables: move this SQL into its store in src/store/.',
        },
      ],
    },
  },
  {
    // Dependency direction: the core imports nothing of ours; channels never touch the store.
    files: ['src/core/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['../*', '!./*'] }] },
  },
  {
    // The flow engine sees src/core and the ports it declares: never the store, a channel or the hub's wiring.
    files: ['flows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'natural', message: "Import natural's submodules only (see DEPENDENCIES.md)." }],
          patterns: [
            {
              group: ['typeorm', '**/src/*', '!**/src/core', '**/channels/**', 'express'],
              message: 'The flow engine imports src/core and its own ports only.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['channels/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/src/store/**', 'typeorm', '**/src/app', '**/src/outbound/**', '**/src/conversations/**'],
              message: 'Channels adapt to the core: they never touch the store or the hub internals.',
            },
          ],
        },
      ],
    },
  },
);
