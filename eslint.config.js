import js from '@eslint/js';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

// src/core is the training core shared by the browser worker, the CLI and the companion.
// It must not reach for a UI, the DOM, storage or a tfjs backend: a host picks those.
const coreForbidden = {
  paths: [
    { name: 'react', message: 'src/core is pure: no React.' },
    { name: 'react-dom', message: 'src/core is pure: no React.' },
    { name: 'zustand', message: 'src/core is pure: no UI state.' },
    { name: 'idb', message: 'src/core is pure: storage lives in src/storage.' },
    { name: '@tensorflow/tfjs', message: 'src/core imports @tensorflow/tfjs-core and tfjs-layers only; the umbrella package registers backends.' },
    { name: 'webgpu', message: 'src/core is pure: Dawn is chosen by a Node host.' },
    { name: 'sharp', message: 'src/core is pure: image decoding is a host adapter.' },
  ],
  patterns: [
    { group: ['@tensorflow/tfjs-backend-*', '@tensorflow/tfjs-node*'], message: 'Backends are chosen only at a host entry point.' },
    { group: ['react/*', 'react-dom/*', 'zustand/*', 'idb/*'], message: 'src/core is pure.' },
    { group: ['node:*', 'fs', 'path', 'os', 'child_process', 'worker_threads'], message: 'src/core runs in browsers too: no Node built-ins.' },
    { group: ['**/ui/**', '**/store/**', '**/storage/**', '**/engine/**', '**/node/**', '**/cli/**', '**/companion/**'], message: 'src/core must not depend on its hosts.' },
  ],
};

export default tseslint.config(
  { ignores: ['dist', 'node_modules', 'playwright-report', 'test-results', 'runs', 'bench-results', '.tmp', 'companion-data'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['build/serviceWorker.js'],
    languageOptions: { globals: { ...globals.serviceworker } },
  },
  {
    files: ['bin/**/*.mjs'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['src/ui/**/*.{ts,tsx}', 'src/main.tsx'],
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  {
    // Only src/storage talks to IndexedDB; everything else goes through its repositories.
    files: ['src/**/*.{ts,tsx}'],
    ignores: ['src/storage/**', 'src/core/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'idb', message: 'IndexedDB lives behind src/storage.' }] }],
      'no-restricted-globals': ['error', { name: 'indexedDB', message: 'IndexedDB lives behind src/storage.' }],
    },
  },
  {
    // src/report turns an evaluation into strings (SVG, HTML, CSV) in the worker, the page and the CLI alike: as pure as the core.
    files: ['src/core/**/*.ts', 'src/report/**/*.ts'],
    ignores: ['src/core/**/*.test.ts', 'src/report/**/*.test.ts'],
    languageOptions: { globals: { ...globals.es2022 } },
    rules: {
      'no-restricted-imports': ['error', coreForbidden],
      'no-restricted-globals': [
        'error',
        ...['window', 'document', 'indexedDB', 'localStorage', 'navigator', 'createImageBitmap', 'OffscreenCanvas', 'process'].map(
          (name) => ({ name, message: 'src/core is pure: hosts provide this.' }),
        ),
      ],
    },
  },
);
