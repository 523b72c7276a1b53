import { readdirSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import type { Plugin } from 'vite';

/**
 * Emits `sw.js`: build/serviceWorker.js with the list of every file of this build
 * prepended, so the service worker can cache the whole studio at install and the studio
 * works offline after its first load. The version is a hash of the emitted file names
 * (which carry content hashes), so a new build gets a new worker and a new cache.
 */
export function offlinePlugin(): Plugin {
  let publicFiles: string[] = [];
  return {
    name: 'studio-offline',
    apply: 'build',
    configResolved(config) {
      // public/ is copied next to the bundle without passing through it (the favicon).
      publicFiles = config.publicDir ? readdirSync(config.publicDir, { withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name) : [];
    },
    generateBundle(_options, bundle) {
      const names = [...Object.keys(bundle), ...publicFiles].sort();
      const files = ['./', ...names.map((name) => `./${name}`)];
      const version = createHash('sha256').update(files.join('\n')).digest('hex').slice(0, 16);
      const body = readFileSync(new URL('./serviceWorker.js', import.meta.url), 'utf8');
      this.emitFile({
        type: 'asset',
        fileName: 'sw.js',
        source: `const PRECACHE = ${JSON.stringify({ version, files })};\n${body}`,
      });
    },
  };
}
