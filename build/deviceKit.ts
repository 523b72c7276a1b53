/**
 * `npm run bench:kit`: everything a GPU machine with no Node and no node_modules needs to run
 * `studio bench --backend webgpu` (Dawn on its Vulkan driver) and a PyTorch reference of the
 * same models, in one folder small enough to travel with the working tree (`.devicekit/`,
 * about 30 MB): this Node binary, the bench bundled with Dawn's addon (bundleBench.ts), the
 * PyTorch script and the script that runs both. docs/performance.md says how to use it.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleBench } from './bundleBench.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const KIT = join(ROOT, '.devicekit');

const stage = mkdtempSync(join(tmpdir(), 'studio-kit-'));
try {
  await bundleBench(stage);
  copyFileSync(process.execPath, join(stage, 'node'));
  rmSync(KIT, { recursive: true, force: true });
  mkdirSync(KIT);
  execFileSync('tar', ['-cJf', join(KIT, 'kit.tar.xz'), '-C', stage, '.'], { env: { ...process.env, XZ_OPT: '-6 -T0' }, stdio: 'inherit' });
  for (const file of ['run.sh', 'torchBench.py']) copyFileSync(join(ROOT, 'build', 'deviceKit', file), join(KIT, file));
  // The PyTorch engine's package, for the bench's torch table (tfjs on Dawn vs the engine on the GPU, 1 GPU vs all).
  cpSync(join(ROOT, 'python', 'studio_torch'), join(KIT, 'python', 'studio_torch'), { recursive: true, filter: (src) => !src.includes('__pycache__') });
  const mb = (statSync(join(KIT, 'kit.tar.xz')).size / 1e6).toFixed(1);
  console.log(`.devicekit/: kit.tar.xz (${mb} MB: Node ${process.version}, the bench, Dawn), run.sh, torchBench.py, python/studio_torch`);
} finally {
  rmSync(stage, { recursive: true, force: true });
}
