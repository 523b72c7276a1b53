import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleBench } from '../build/bundleBench.ts';

const dir = mkdtempSync(join(tmpdir(), 'bench-bundle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('bundleBench', () => {
  it('gives a bench that loads and parses its options with no node_modules but Dawn beside it', async () => {
    await bundleBench(dir);
    // A bad option is refused after every module of the bench has loaded: an import the kit
    // cannot carry (a native image decoder, say) would fail before that, with another message.
    const run = spawnSync(process.execPath, [join(dir, 'bench.mjs'), '--backend', 'tpu'], { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
    expect(run.stderr).toMatch(/studio bench: .*tpu/);
    expect(run.stderr).not.toMatch(/Cannot find|ERR_MODULE_NOT_FOUND|sharp/);
    expect(run.status).toBe(1);
  }, 60_000);
});
