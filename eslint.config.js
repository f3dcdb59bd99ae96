// Lint rules that keep Mshahara's boundaries enforced, not remembered (docs/architecture.md):
// which part may import which, where Electron may appear, and type-aware checks on promises and
// exhaustive switches.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import jsxA11y from 'eslint-plugin-jsx-a11y';
import globals from 'globals';

const nodeBuiltins = [
  'node:*',
  'fs',
  'fs/promises',
  'path',
  'os',
  'crypto',
  'http',
  'https',
  'net',
  'child_process',
  'stream',
  'url',
  'util',
  'zlib',
  'worker_threads',
];

/** Import patterns (matched against the import string) that reach into another part of src/. */
const into = (part) => [
  `../${part}/**`,
  `../../${part}/**`,
  `../../../${part}/**`,
  `../../../../${part}/**`,
  `../${part}`,
  `../../${part}`,
  `../../../${part}`,
];
const electronOnly = {
  name: 'electron',
  message: 'Only the Electron shell (src/main/index.ts, src/main/shell/, src/preload/) may import electron.',
};

/** One no-restricted-imports rule for a part of src/: what it may not reach. */
const boundary = (message, parts, extra = {}) => [
  'error',
  {
    paths: [electronOnly, ...(extra.paths ?? [])],
    patterns: [{ group: parts.flatMap(into), message }, ...(extra.patterns ?? [])],
  },
];

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'packaging/build/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: {
        project: ['./tsconfig.node.json', './tsconfig.web.json', './tsconfig.renderer-tests.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      'no-restricted-imports': ['error', { paths: [electronOnly] }],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  // The parts of src/ and what each may not import.
  {
    files: ['src/main/**/*.ts'],
    rules: { 'no-restricted-imports': boundary('The core never imports the screens.', ['renderer']) },
  },
  {
    files: ['src/relay-server/**/*.ts'],
    rules: {
      'no-restricted-imports': boundary('The relay server is deployed alone: it imports only src/shared and itself.', [
        'main',
        'renderer',
        'simulator',
        'preload',
      ]),
    },
  },
  {
    files: ['src/simulator/**/*.ts'],
    rules: {
      'no-restricted-imports': boundary('The simulator plays M-Pesa: it imports only src/shared and itself.', [
        'main',
        'renderer',
        'relay-server',
        'preload',
      ]),
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    languageOptions: { globals: {} },
    rules: {
      'no-restricted-imports': boundary(
        'src/shared runs anywhere and imports only itself.',
        ['main', 'renderer', 'relay-server', 'simulator', 'preload'],
        {
          paths: [{ name: 'better-sqlite3', message: 'src/shared runs anywhere: no database.' }],
          patterns: [{ group: nodeBuiltins, message: 'src/shared runs anywhere: no Node built-ins.' }],
        },
      ),
    },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks, 'jsx-a11y': jsxA11y },
    rules: {
      ...reactHooks.configs.recommended.rules,
      ...jsxA11y.flatConfigs.recommended.rules,
      'no-restricted-imports': boundary(
        'The renderer talks only to the contract (src/shared).',
        ['main', 'relay-server', 'simulator', 'preload'],
        {
          patterns: [{ group: nodeBuiltins, message: 'The renderer has no Node.' }],
        },
      ),
    },
  },
  {
    files: ['src/main/index.ts', 'src/main/shell/**/*.ts', 'src/preload/**/*.ts'],
    rules: {
      // Electron is theirs to import; the screens are still not.
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: into('renderer'), message: 'The Electron shell loads the screens; it never imports them.' },
          ],
        },
      ],
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
);
