import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { RunSpecInput } from '../src/core/spec/runSpec.ts';
import { continuedEvents } from '../src/core/train/continuedEvents.ts';
import type { TrainEvent } from '../src/core/train/trainEvent.ts';
import { trainRunTorch } from '../src/node/torchEngine/trainRunTorch.ts';
import { runCli } from './runCli.ts';

process.env.STUDIO_PYTHON ??= '/usr/bin/python3';
const root = mkdtempSync(join(tmpdir(), 'studio-torch-restart-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The pids of every engine process for a job: torchrun's launcher and the ranks. */
function enginePids(jobPath: string): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .flatMap((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(jobPath) ? [Number(pid)] : [];
      } catch {
        return [];
      }
    });
}

/** The pids of the engine's ranks for a job (not torchrun's launcher, whose command line runs torch.distributed.run). */
function rankPids(jobPath: string): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .flatMap((pid) => {
      try {
        const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
        return cmd.includes('studio_torch') && cmd.includes(jobPath) && !cmd.some((arg) => arg.includes('torch.distributed.run')) ? [Number(pid)] : [];
      } catch {
        return [];
      }
    });
}

it('a rank killed with SIGKILL mid-job: torchrun restarts the ranks, the job resumes from its last checkpoint and completes with a continuous curve', async () => {
  const spec: RunSpecInput = {
    version: 2,
    name: 'restart',
    data: { source: { kind: 'synthetic', generator: 'shapes', classes: 3, perClass: 24 }, imageSize: 32 },
    model: { architecture: 'resnet18', inputSize: 32, width: 0.5 },
    task: { kind: 'classification' },
    loss: { type: 'crossEntropy' },
    optimizer: { type: 'sgd', lr: 0.01, momentum: 0.9 },
    training: { epochs: 5, batchSize: 8, seed: 2, checkpoint: { everyEpochs: 1 } },
  } as RunSpecInput;
  const outDir = join(root, 'run');
  const jobPath = join(outDir, 'torch-job', 'job.json');
  const seen: TrainEvent[] = [];
  let killed: number | undefined;
  const result = await trainRunTorch({
    spec,
    outDir,
    launch: { nproc: 2, maxRestarts: 2 },
    onEvent: (event) => {
      seen.push(event);
      // In the third epoch, after the second's checkpoint: one rank dies as an out-of-memory kill would take it.
      if (killed === undefined && event.type === 'step' && event.epoch === 2) {
        const pids = rankPids(jobPath);
        expect(pids).toHaveLength(2);
        killed = pids[1];
        process.kill(killed, 'SIGKILL');
      }
    },
  });
  expect(killed).toBeDefined();
  expect(result.end.reason).toBe('completed');
  expect(result.end.epochsRun).toBe(5);

  // On disk: one trainBegin per attempt, and every epoch and step exactly once, in order.
  const events = readFileSync(join(outDir, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as TrainEvent);
  const begins = events.filter((e) => e.type === 'trainBegin');
  // The kill's restart; under load a CI run once saw torchrun restart the group a second time
  // (within maxRestarts 2; not yet explained, see docs/torch-engine.md): each attempt still
  // resumed from a checkpoint, and the curve below must be continuous either way.
  expect(begins.length).toBeGreaterThanOrEqual(2);
  expect(begins.length).toBeLessThanOrEqual(3);
  // From the last checkpoint before the kill: epoch 2's, or a later one if the machine was slow to deliver the kill.
  const restartedAt = begins[1].type === 'trainBegin' ? begins[1].startEpoch : -1;
  expect(restartedAt).toBeGreaterThanOrEqual(2);
  expect(restartedAt).toBeLessThan(5);
  expect(events.filter((e) => e.type === 'epoch').map((e) => e.epoch)).toEqual([0, 1, 2, 3, 4]);
  const steps = events.flatMap((e) => (e.type === 'step' ? [e.step] : []));
  const perEpoch = begins[0].type === 'trainBegin' ? begins[0].stepsPerEpoch : 0;
  expect(steps).toEqual(Array.from({ length: 5 * perEpoch }, (_, i) => i + 1));
  // A host was handed the killed attempt's partial epoch live; read as the studio reads a
  // companion's log (continuedEvents), the stream is that same continuous curve.
  expect(continuedEvents(seen)).toEqual(events);
  // And the studio's checkpoints came from the finished run.
  expect(readdirSync(join(outDir, 'checkpoints')).sort()).toEqual(['best', 'final', 'last', 'torch-best', 'torch-final', 'torch-last']);
}, 300_000);

it('the studio process killed with -9 mid-job takes the engine with it, and --resume finishes the run from its last checkpoint', async () => {
  const specPath = join(root, 'orphan.json');
  writeFileSync(
    specPath,
    JSON.stringify({
      version: 2,
      name: 'orphan',
      data: { source: { kind: 'synthetic', generator: 'shapes', classes: 3, perClass: 24 }, imageSize: 32 },
      model: { architecture: 'resnet18', inputSize: 32, width: 0.5 },
      task: { kind: 'classification' },
      loss: { type: 'crossEntropy' },
      optimizer: { type: 'sgd', lr: 0.01, momentum: 0.9 },
      training: { epochs: 5, batchSize: 8, seed: 2 },
    }),
  );
  const outDir = join(root, 'orphan');
  const jobPath = join(outDir, 'torch-job', 'job.json');
  let enginesAtKill: number[] = [];
  const killed = await runCli(['train', specPath, '--engine', 'torch', '--nproc', '2', '--out', outDir], {
    onStderr: (text, kill) => {
      if (enginesAtKill.length === 0 && text.includes('epoch 2/5')) {
        enginesAtKill = enginePids(jobPath);
        kill('SIGKILL');
      }
    },
  });
  expect(killed.code).toBeNull();
  // torchrun and both ranks were running when the studio died …
  expect(enginesAtKill.length).toBe(3);
  // … and none is left training on unwatched.
  for (let i = 0; i < 300 && enginePids(jobPath).length > 0; i++) await new Promise((r) => setTimeout(r, 100));
  expect(enginePids(jobPath)).toEqual([]);
  const resumed = await runCli(['train', '--resume', outDir]);
  expect(resumed.code, resumed.stderr).toBe(0);
  expect(resumed.stderr, resumed.stderr).toContain('resuming at epoch');
  const events = readFileSync(join(outDir, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as TrainEvent);
  expect(events.filter((e) => e.type === 'epoch').map((e) => e.epoch)).toEqual([0, 1, 2, 3, 4]);
  expect(events.at(-1)).toMatchObject({ type: 'trainEnd', reason: 'completed' });
}, 300_000);
