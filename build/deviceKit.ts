/**
 * `npm run bench:kit`: everything a GPU machine with no Node and no node_modules needs to run
 * `studio bench --backend webgpu` (Dawn on its Vulkan driver) and a PyTorch reference of the
 * same models, in one folder small enough to travel with the working tree (`.devicekit/`,
 * about 30 MB): this Node binary, the bench bundled into one file, Dawn's linux-x64 addon,
 * the PyTorch script and the script that runs both. docs/performance.md says how to use it.
 */
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const KIT = join(ROOT, '.devicekit');

/** The bench command alone: the CLI's other commands pull in image decoders with native parts the kit does not carry. */
const ENTRY = `
import { benchCommand } from './src/cli/benchCommand.ts';
try {
  await benchCommand(process.argv.slice(2));
  process.exit(0);
} catch (err) {
  console.error('studio bench:', err instanceof Error ? err.stack : err);
  process.exit(1);
}
`;

async function main(): Promise<void> {
  const stage = mkdtempSync(join(tmpdir(), 'studio-kit-'));
  try {
    await build({
      stdin: { contents: ENTRY, resolveDir: ROOT, loader: 'ts', sourcefile: 'bench-entry.ts' },
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outfile: join(stage, 'bench.mjs'),
      // Dawn is a native addon (copied below); Vite and Playwright serve only `--backend chromium`, which needs a browser the GPU machine lacks.
      external: ['webgpu', 'vite', 'playwright', 'playwright-core', '@playwright/test'],
      // Bundled CommonJS dependencies call require(); an ES module has none of its own.
      banner: { js: "import { createRequire as studioCreateRequire } from 'node:module'; const require = studioCreateRequire(import.meta.url);" },
      logLevel: 'warning',
    });
    const dawn = join(stage, 'node_modules', 'webgpu');
    mkdirSync(join(dawn, 'dist', 'linux-x64'), { recursive: true });
    for (const file of ['package.json', 'index.js']) copyFileSync(join(ROOT, 'node_modules', 'webgpu', file), join(dawn, file));
    copyFileSync(join(ROOT, 'node_modules', 'webgpu', 'dist', 'linux-x64', 'dawn.node'), join(dawn, 'dist', 'linux-x64', 'dawn.node'));
    copyFileSync(process.execPath, join(stage, 'node'));
    rmSync(KIT, { recursive: true, force: true });
    mkdirSync(KIT);
    execFileSync('tar', ['-cJf', join(KIT, 'kit.tar.xz'), '-C', stage, '.'], { env: { ...process.env, XZ_OPT: '-6 -T0' }, stdio: 'inherit' });
    for (const file of ['run.sh', 'torchBench.py']) copyFileSync(join(ROOT, 'build', 'deviceKit', file), join(KIT, file));
    const mb = (statSync(join(KIT, 'kit.tar.xz')).size / 1e6).toFixed(1);
    console.log(`.devicekit/: kit.tar.xz (${mb} MB: Node ${process.version}, the bench, Dawn), run.sh, torchBench.py`);
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

await main();
