// Lint rules that catch real defects (type-aware); formatting is Prettier's job alone.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'bench/', '**/*.d.mts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
    },
  },
  {
    // Functions short enough to read at once, lines short enough to review (long messages are named constants).
    files: ['src/**/*.ts'],
    ignores: ['src/ir/ir-wasm.ts'],
    rules: {
      'max-lines-per-function': ['error', { max: 50 }],
      'max-len': ['error', { code: 120, ignoreUrls: true, ignoreRegExpLiterals: true }],
    },
  },
  // Dependencies point one way (docs/architecture.md): steps/ → capabilities → neutral modules.
  {
    files: [
      'src/guard/**',
      'src/cache/**',
      'src/freshness/**',
      'src/timings/**',
      'src/ir/**',
      'src/net/**',
      'src/parallelism/**',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/steps/*'], message: 'Capabilities never import the steps that order them.' },
            {
              group: ['**/report/*'],
              message: 'Only steps/ wires the report; shared helpers live in neutral modules (src/markdown.ts).',
            },
          ],
        },
      ],
    },
  },
  {
    // The profile advisor judges its samples with the report's statistics, and nothing else of report/.
    files: ['src/advise/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/steps/*'], message: 'Capabilities never import the steps that order them.' },
            {
              group: ['**/report/*', '!**/report/stats.js', '!**/report/thresholds.js'],
              message: 'advise/ uses only the sample statistics and thresholds of report/ (stats.ts, thresholds.ts).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/report/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/steps/*'], message: 'Capabilities never import the steps that order them.' },
            {
              group: ['**/timings/*'],
              message: 'report/ gets builds as functions from steps/main.ts, never from timings/.',
            },
            {
              group: ['**/cache/*', '!**/cache/backend.js'],
              message: 'report/ uses only the cache backend interface (for the baseline store).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        fetch: 'readonly',
      },
    },
    rules: { 'no-unused-vars': ['error', { argsIgnorePattern: '^_', caughtErrors: 'none' }] },
  },
);
