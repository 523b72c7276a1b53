import type { Rollup } from 'vite';
import { describe, expect, it } from 'vitest';
import { precacheFiles } from '../build/offlinePlugin.ts';

/** The parts of a Rollup bundle the precache list reads: chunks with their imports, and assets. */
function bundle(entries: Record<string, { name?: string; entry?: boolean; imports?: string[]; dynamicImports?: string[] } | 'asset'>): Rollup.OutputBundle {
  return Object.fromEntries(
    Object.entries(entries).map(([fileName, e]) => [
      fileName,
      e === 'asset'
        ? { type: 'asset', fileName }
        : { type: 'chunk', fileName, name: e.name ?? fileName, isEntry: e.entry ?? false, imports: e.imports ?? [], dynamicImports: e.dynamicImports ?? [] },
    ]),
  ) as unknown as Rollup.OutputBundle;
}

describe('precacheFiles', () => {
  it('caches the studio and what it shares with the bench page, not what only the bench loads', () => {
    const files = precacheFiles(
      bundle({
        'assets/main-1.js': { name: 'main', entry: true, imports: ['assets/shared-2.js'], dynamicImports: ['assets/lazy-3.js'] },
        'assets/bench-4.js': { name: 'bench', entry: true, imports: ['assets/shared-2.js', 'assets/benchOnly-5.js'] },
        'assets/shared-2.js': {},
        'assets/lazy-3.js': {},
        'assets/benchOnly-5.js': {},
        'assets/engineWorker-6.js': 'asset',
        'assets/main-7.css': 'asset',
      }),
      ['favicon.svg'],
    );
    expect(files).toEqual(['./', './assets/engineWorker-6.js', './assets/lazy-3.js', './assets/main-1.js', './assets/main-7.css', './assets/shared-2.js', './favicon.svg']);
  });

  it('keeps everything when there is no bench page', () => {
    const files = precacheFiles(bundle({ 'assets/main-1.js': { name: 'main', entry: true }, 'assets/x-2.js': {} }), []);
    expect(files).toEqual(['./', './assets/main-1.js', './assets/x-2.js']);
  });
});
