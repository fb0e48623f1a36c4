import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const KOA = ['Koa belongs to src/koa and the edges above it', 'koa', 'koa/*', '@koa/*', '**/koa/*'];
const ROUTING_CONTROLLERS = [
  'only the routing-controllers edge may use routing-controllers',
  'routing-controllers',
  'routing-controllers/*',
  '**/routing-controllers/*',
];
const CLI = ['the CLI is a layer of its own: nothing imports it', '**/cli/*'];
const SPEC = [
  'nothing outside spec/ imports it: what specs and benchmarks share lives in test-support/',
  '**/spec/*',
];
const BENCH = [
  'nothing outside bench/ imports it: what specs and benchmarks share lives in test-support/',
  '**/bench/*',
];
const ENGINE_INSIDES = [
  'edges reach the engine through its top-level modules (jam, jam-error, ...) or src/shared, not its insides (types excepted)',
  '**/engine/*/*',
];

/**
 * Imports a layer may not make: each layer knows only the ones below it (DEVELOPERS.md, "Layout"). Type-only
 * imports of the engine's insides are allowed (erased at build: the edges name the engine's types).
 */
const forbidden = (...groups) => ({
  'no-restricted-imports': 'off',
  '@typescript-eslint/no-restricted-imports': [
    'error',
    {
      patterns: groups.map(([message, ...group]) => ({
        group,
        message,
        allowTypeImports: message === ENGINE_INSIDES[0],
      })),
    },
  ],
});
export default tseslint.config(
  { ignores: ['dist/', 'build/', 'node_modules/', 'bench/results/', 'coverage/', 'docs/api/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  { files: ['src/engine/**', 'src/shared/**'], rules: forbidden(KOA, ROUTING_CONTROLLERS, CLI) },
  {
    // The engine reads the time through the instance's Clock (src/engine/clock.ts), so tests can move it.
    files: ['src/engine/**'],
    ignores: ['src/engine/clock.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: "read the time through the instance's Clock" },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: "read the time through the instance's Clock",
        },
      ],
    },
  },
  { files: ['src/koa/**'], rules: forbidden(ROUTING_CONTROLLERS, CLI, ENGINE_INSIDES) },
  { files: ['src/routing-controllers/**'], rules: forbidden(CLI, ENGINE_INSIDES) },
  { files: ['src/testing/**'], rules: forbidden(ROUTING_CONTROLLERS, CLI, ENGINE_INSIDES) },
  { files: ['src/cli/**'], rules: forbidden(KOA, ROUTING_CONTROLLERS) },
  { files: ['bench/**'], rules: forbidden(SPEC) },
  { files: ['test-support/**'], rules: forbidden(SPEC, BENCH) },
);
