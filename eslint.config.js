import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        setImmediate: 'readonly',
        clearImmediate: 'readonly',
        performance: 'readonly',
        URL: 'readonly',
        queueMicrotask: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
      'no-control-regex': 'off',
    },
  },
  {
    // The CLI entry, the bench and the demo agent talk to the user through the console on purpose.
    files: ['src/cli/**', 'bench/**', 'src/demo/**', 'test/**'],
    rules: { 'no-console': 'off' },
  },
  {
    // Dependency rule (STYLE.md): core is pure; ui never reaches git, term, host or watch.
    files: ['src/core/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['node:*', 'ink', 'react', '../git/*', '../term/*', '../host/*', '../watch/*', '../app/*', '../ui/*', '../cli/*', '../config/*'] }],
    },
  },
  {
    files: ['src/ui/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['../git/*', '../term/*', '../host/*', '../watch/*', 'node-pty', '@xterm/*', 'simple-git', 'chokidar'] }],
    },
  },
);
