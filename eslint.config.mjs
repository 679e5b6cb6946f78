// @ts-check
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * Feature boundaries (issue 17): a feature is used through its index.ts, never through its
 * internals (models, services, helpers). The rule is `no-restricted-imports` on the import's
 * path, so it catches `../accounts/user.model` but not a model re-exported by an index
 * (an index exports no model: see docs/ARCHITECTURE.md).
 *
 * - `src/<feature>/**` may import its own files, any feature's index (`../<other>`) and the
 *   infrastructure below, deep; `src/*.ts` (app, server, wiring: the composition root) the same.
 * - `test/<folder>/**`: a test in the folder named for a feature is that feature's white-box
 *   test and may import `src/<feature>/**` deep (its models included); every other test
 *   (`test/*.ts`, e2e, security, cli, db, another feature's folder) imports a feature through
 *   `src/<feature>` only.
 * - `test/helpers/**` is the fixture layer and `bench/**` the fixtures at scale: they may import
 *   any feature's internals (a factory writes what the app cannot make quickly), so no rule here.
 * Folders are read from disk, so a new feature or test folder is covered without a change here.
 */
const root = path.dirname(fileURLToPath(import.meta.url));
/** Infrastructure any file may import deep: no business rules, no collections of a feature. */
const INFRASTRUCTURE = ['shared', 'db', 'types'];
const folders = (dir) =>
  fs.existsSync(path.join(root, dir)) ? fs.readdirSync(path.join(root, dir), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name) : [];

/** `from` is how the file names a feature's folder: `./` in src/*.ts, `../` in src/<feature>/. */
const srcMessage = (from) => `Import the feature through its index.ts (\`${from}<feature>\`), not its internals; ask its service for the data (see docs/ARCHITECTURE.md).`;
const TEST_MESSAGE =
  'Outside test/<feature>/, import a feature through its index.ts (`src/<feature>`), not its internals; ask its service for the data, or use a factory or helper in test/helpers/ (see docs/ARCHITECTURE.md).';

/** An import of `<prefix><folder>/<anything>` is refused unless the folder is infrastructure or one of `own`. */
function deepImports(prefix, own, message) {
  const allowed = [...INFRASTRUCTURE, ...own].join('|');
  return ['error', { patterns: [{ regex: `^${prefix}(?!(?:${allowed})/)[^./][^/]*/.+`, message }] }];
}

const featureBoundaries = [
  { files: ['src/*.ts'], rules: { 'no-restricted-imports': deepImports('\\./', [], srcMessage('./')) } },
  { files: ['src/*/**/*.ts'], rules: { 'no-restricted-imports': deepImports('\\.\\./', [], srcMessage('../')) } },
  { files: ['test/*.ts'], rules: { 'no-restricted-imports': deepImports('\\.\\./src/', [], TEST_MESSAGE) } },
  ...folders('test')
    .filter((d) => d !== 'helpers')
    .map((d) => ({
      files: [`test/${d}/**/*.ts`],
      rules: { 'no-restricted-imports': deepImports('(?:\\.\\./)+src/', folders('src').includes(d) ? [d] : [], TEST_MESSAGE) },
    })),
];

export default tseslint.config(
  { ignores: ['dist/', 'coverage/', 'node_modules/', 'data/', '.cache/', 'test-results/', 'tools/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      'no-console': 'off',
      eqeqeq: ['error', 'always'],
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='process'][property.name='env']",
          message: 'Read configuration through src/config.ts, the only reader of process.env.',
        },
        {
          selector: "CallExpression[callee.property.name='bulkWrite']",
          message: 'FerretDB v1 holds a connection per statement of a multi-statement update until it ends (deadlock): use updateEach from src/db/bulk.ts.',
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  ...featureBoundaries,
  {
    files: ['src/config.ts', 'test/**', 'bench/**', 'scripts/**', '*.js', '*.mjs'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['public/**/*.js'],
    languageOptions: { sourceType: 'script', globals: { ...globals.browser } },
  },
  {
    files: ['**/*.js'],
    ignores: ['public/**'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Small units (issue 17): a function longer than a screen is two things; split it
    // (named handlers, sub-routers, helpers at module level).
    files: ['src/**/*.ts'],
    rules: { 'max-lines-per-function': ['error', { max: 60, skipBlankLines: true, skipComments: true }] },
  },
);
