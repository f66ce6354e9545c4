import tseslint from 'typescript-eslint';

// The house drawn from the imports: core <- shared <- node <- adapters (cli, lsp, vscode), no arrow
// back up. Adapters reach the core through its façade (src/core/index.ts) only, and none imports
// another; node-side code several of them use lives in src/node.
const core = (deep) => [
  { group: deep ? ['**/core/*/**', '!**/core/index'] : [], message: 'Import the core through src/core/index.ts only.' },
];
const adapters = (...names) => names.map((n) => ({ group: [`**/${n}/**`, `../${n}`], message: `Adapters do not import each other (${n}); shared node-side code goes to src/node.` }));

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test/e2e/node_modules/**', 'out/**'] },
  ...tseslint.configs.recommended,
  {
    // Architecture invariant: src/core is pure. No editor, no IO, no process state.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['vscode'], message: 'src/core must not depend on the editor.' },
          { group: ['node:*', 'fs', 'path', 'os', 'child_process', 'process', 'url'], message: 'src/core does no IO: take strings and bytes from the adapters.' },
        ],
      }],
      'no-restricted-globals': ['error', 'process', 'require', '__dirname', '__filename', 'Buffer'],
    },
  },
  {
    // The e2e probe is a CommonJS VS Code extension.
    files: ['test/e2e/probe/*.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['src/shared/**/*.ts', 'src/node/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [...core(true), ...adapters('cli', 'lsp', 'vscode')] }] },
  },
  {
    files: ['src/cli/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [...core(true), ...adapters('lsp', 'vscode')] }] },
  },
  {
    files: ['src/lsp/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [...core(true), ...adapters('cli', 'vscode')] }] },
  },
  {
    // The extension is a client of the language server: it loads no part of the core (types only).
    files: ['src/vscode/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        patterns: [
          ...core(true), ...adapters('cli', 'lsp'),
          { group: ['**/core', '../core/index', '**/node/**', '**/shared/summary', '**/shared/hover-markdown', '**/shared/timeline'], allowTypeImports: true, message: 'The extension runs no analysis: the server does (type imports only).' },
        ],
      }],
    },
  },
);
