import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TorchReference {
  dir: string;
  meta: { arch: string; size: number; batch: number; torch: string; torchvision: string; output: number[]; features: number[] };
}

const PYTHON = '/usr/bin/python3';

/**
 * Runs test/reference/torchvision_parity.py once per configuration (kept in the temp folder
 * across test runs) and returns its folder. PyTorch comes from Debian (`python3-torch`,
 * `python3-torchvision`), which `bash .ci/run` installs; without them this fails saying so,
 * rather than skipping: parity with PyTorch is what these tests are for.
 */
export function torchReference(opts: { arch: string; size: number; noClassifier?: boolean; seed?: number; image?: string; names?: 'timm' }): TorchReference {
  const key = `${opts.arch}-${opts.size}-${opts.seed ?? 0}${opts.noClassifier ? '-noclassifier' : ''}${opts.names ? `-${opts.names}` : ''}${opts.image ? `-${createHash('sha256').update(readFileSync(opts.image)).digest('hex').slice(0, 16)}` : ''}`;
  const dir = join(tmpdir(), 'studio-torch-reference', key);
  if (!existsSync(join(dir, 'meta.json'))) {
    mkdirSync(dir, { recursive: true });
    const args = ['test/reference/torchvision_parity.py', '--arch', opts.arch, '--size', String(opts.size), '--seed', String(opts.seed ?? 0), '--out', dir];
    if (opts.noClassifier) args.push('--no-classifier');
    if (opts.image) args.push('--image', opts.image);
    if (opts.names) args.push('--names', opts.names);
    try {
      execFileSync(PYTHON, args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 170_000 });
    } catch (err) {
      const stderr = (err as { stderr?: Buffer }).stderr?.toString() ?? String(err);
      throw new Error(`the PyTorch reference could not be made (${PYTHON} with Debian's python3-torch and python3-torchvision; bash .ci/run installs them): ${stderr.trim().split('\n').pop()}`, { cause: err });
    }
  }
  return { dir, meta: JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as TorchReference['meta'] };
}
