import { readdirSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import type { Plugin, Rollup } from 'vite';

type OutputBundle = Rollup.OutputBundle;
type OutputChunk = Rollup.OutputChunk;

/** The entry of bench.html, the browser half of `npm run bench` (vite.config.ts). */
const BENCH_ENTRY = 'bench';

/**
 * The chunks only bench.html loads: it times a machine's engines and is no part of the
 * offline studio, and its chunk bundles tfjs again (1.2 MB that every classroom laptop
 * would otherwise download at install). Chunks the studio shares with it stay.
 */
function benchOnlyChunks(bundle: OutputBundle): Set<string> {
  const chunks = Object.values(bundle).filter((o): o is OutputChunk => o.type === 'chunk');
  const byFile = new Map(chunks.map((c) => [c.fileName, c]));
  const reachable = (roots: OutputChunk[]) => {
    const seen = new Set<string>();
    const stack = roots.map((c) => c.fileName);
    for (let file = stack.pop(); file !== undefined; file = stack.pop()) {
      if (seen.has(file)) continue;
      seen.add(file);
      const chunk = byFile.get(file);
      if (chunk) stack.push(...chunk.imports, ...chunk.dynamicImports);
    }
    return seen;
  };
  const studio = reachable(chunks.filter((c) => c.isEntry && c.name !== BENCH_ENTRY));
  return new Set([...reachable(chunks.filter((c) => c.isEntry && c.name === BENCH_ENTRY))].filter((f) => !studio.has(f)));
}

/** What the service worker caches at install: the page, every file of the build but the bench's, and public/. */
export function precacheFiles(bundle: OutputBundle, publicFiles: string[]): string[] {
  const benchOnly = benchOnlyChunks(bundle);
  const names = [...Object.keys(bundle).filter((name) => !benchOnly.has(name)), ...publicFiles].sort();
  return ['./', ...names.map((name) => `./${name}`)];
}

/**
 * Emits `sw.js`: build/serviceWorker.js with the list of the studio's files in this build
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
      const files = precacheFiles(bundle, publicFiles);
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
