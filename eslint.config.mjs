import tseslint from 'typescript-eslint';

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
);
