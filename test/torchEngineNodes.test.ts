import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { freePort } from './redisServer.ts';
import { runCli } from './runCli.ts';

/**
 * Several machines as docs/companion.md tells them: `studio train --engine torch` prepares the
 * job and starts torchrun as node 0 of a c10d rendezvous; a second torchrun, as a second
 * machine would, joins with node_rank 1 on the job folder both see. Here the two "machines"
 * are two launchers on loopback; the rendezvous, the ranks and the shared run directory are real.
 */
process.env.STUDIO_PYTHON ??= '/usr/bin/python3';
const root = mkdtempSync(join(tmpdir(), 'studio-torch-nodes-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

it('one job across two nodes through torchrun\'s rendezvous', async () => {
  const port = await freePort();
  const rdzv = `--nnodes 2 --nproc_per_node 1 --rdzv_backend c10d --rdzv_endpoint 127.0.0.1:${port} --rdzv_id nodes-test`;
  const out = join(root, 'run');
  const first = runCli(['train', 'examples/shapes-demo.json', '--engine', 'torch', '--out', out, `--torchrun=--node_rank 0 ${rdzv}`]);
  const job = join(out, 'torch-job', 'job.json');
  for (let i = 0; i < 600 && !existsSync(job); i++) await new Promise((r) => setTimeout(r, 100));
  expect(existsSync(job)).toBe(true);
  const second = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const child = spawn('/usr/bin/python3', ['-m', 'torch.distributed.run', '--node_rank', '1', ...rdzv.split(' '), '--redirects', '1', '--tee', '1', '-m', 'studio_torch', 'train', job], {
      env: { ...process.env, PYTHONPATH: 'python', OMP_NUM_THREADS: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += String(d)));
    child.stderr.on('data', (d: Buffer) => (output += String(d)));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
  expect(second.code, second.output.slice(-2000)).toBe(0);
  const node0 = await first;
  expect(node0.code, node0.stderr).toBe(0);
  const events = readFileSync(join(out, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; worldSize?: number; reason?: string });
  expect(events[0]).toMatchObject({ type: 'trainBegin', worldSize: 2 });
  expect(events.at(-1)).toMatchObject({ type: 'trainEnd', reason: 'completed' });
  expect(existsSync(join(out, 'checkpoints', 'final', 'checkpoint.json'))).toBe(true);
}, 240_000);
