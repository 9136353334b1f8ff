import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', '.build/', 'node_modules/', 'bench/results/', '.tmp/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', URL: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly', performance: 'readonly', setImmediate: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    // The dashboard runs in the browser as it is written (no bundler): browser globals, no Node ones.
    files: ['src/server/dashboard/**/*.js'],
    languageOptions: {
      sourceType: 'module',
      globals: { window: 'readonly', document: 'readonly', globalThis: 'readonly', sessionStorage: 'readonly', fetch: 'readonly', EventSource: 'readonly', MessageEvent: 'readonly', requestAnimationFrame: 'readonly', performance: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', Element: 'readonly', HTMLElement: 'readonly', HTMLButtonElement: 'readonly', URL: 'readonly', AbortSignal: 'readonly' },
    },
    rules: { 'no-restricted-globals': ['error', 'process', 'Buffer', 'require'] },
  },
);
