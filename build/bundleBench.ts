import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The bench command alone: the CLI's other commands pull in image decoders with native parts a bundle cannot carry. */
const ENTRY = `
import { benchCommand } from './src/cli/benchCommand.ts';
try {
  await benchCommand(process.argv.slice(2));
  process.exit(0);
} catch (err) {
  console.error('studio bench:', err instanceof Error ? err.message : err);
  process.exit(1);
}
`;

/**
 * `studio bench` as one ES module, `dir/bench.mjs`, with Dawn's linux-x64 addon beside it in
 * `dir/node_modules/webgpu`: all it needs to run under a bare Node, no node_modules (the
 * device kit, build/deviceKit.ts).
 */
export async function bundleBench(dir: string): Promise<void> {
  await build({
    stdin: { contents: ENTRY, resolveDir: ROOT, loader: 'ts', sourcefile: 'bench-entry.ts' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: join(dir, 'bench.mjs'),
    // Dawn is a native addon (copied below); Vite and Playwright serve only `--backend chromium`, which needs a browser.
    external: ['webgpu', 'vite', 'playwright', 'playwright-core', '@playwright/test'],
    // Bundled CommonJS dependencies call require(); an ES module has none of its own.
    banner: { js: "import { createRequire as studioCreateRequire } from 'node:module'; const require = studioCreateRequire(import.meta.url);" },
    logLevel: 'warning',
  });
  const dawn = join(dir, 'node_modules', 'webgpu');
  mkdirSync(join(dawn, 'dist', 'linux-x64'), { recursive: true });
  for (const file of ['package.json', 'index.js']) copyFileSync(join(ROOT, 'node_modules', 'webgpu', file), join(dawn, file));
  copyFileSync(join(ROOT, 'node_modules', 'webgpu', 'dist', 'linux-x64', 'dawn.node'), join(dawn, 'dist', 'linux-x64', 'dawn.node'));
}
