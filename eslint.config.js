// Lint rules that keep the process boundaries of DESIGN.md §1 enforced, not remembered.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const nodeBuiltins = ['node:*', 'fs', 'fs/promises', 'path', 'os', 'crypto', 'http', 'https', 'net', 'child_process', 'stream', 'url', 'util', 'zlib', 'worker_threads'];

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'Only the Electron shell (src/main/index.ts, src/main/shell/, src/preload/) may import electron.' }],
        },
      ],
    },
  },
  {
    files: ['src/main/index.ts', 'src/main/shell/**/*.ts', 'src/preload/**/*.ts'],
    rules: {
      'no-restricted-imports': 'off',
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='shell'][property.name='openExternal']",
          message: 'Open links through openExternalSafely() in src/main/shell/external-links.ts.',
        },
      ],
    },
  },
  {
    files: ['src/main/shell/external-links.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['src/shared/**/*.ts'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', message: 'src/shared runs anywhere: no electron.' },
            { name: 'better-sqlite3', message: 'src/shared runs anywhere: no database.' },
          ],
          patterns: [{ group: nodeBuiltins, message: 'src/shared runs anywhere: no Node built-ins.' }],
        },
      ],
    },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The renderer talks only to the contract.' }],
          patterns: [{ group: [...nodeBuiltins, '../main/*', '../../main/*'], message: 'The renderer has no Node and no main-process code.' }],
        },
      ],
    },
  },
);
