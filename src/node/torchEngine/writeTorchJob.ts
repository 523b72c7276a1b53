import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { once } from 'node:events';
import { exportTorchWeights } from '../../core/pretrained/exportTorchWeights.ts';
import { writeSafetensors } from '../../core/pretrained/safetensors.ts';
import type { RunSpec } from '../../core/spec/runSpec.ts';
import { trainingIdentityRows } from '../../core/train/createObjective.ts';
import type { TrainingData } from '../../core/train/trainer.ts';
import type { Trainer } from '../../core/train/trainer.ts';

/** What `python -m studio_torch` reads (docs/torch-engine.md). */
export interface TorchJob {
  format: 'studio-torch-job/1';
  spec: RunSpec;
  specHash: string;
  runDir: string;
  imageSize: number;
  channels: 1 | 3;
  samples: number;
  classNames: string[];
  labels: number[];
  boxes: [number, number, number, number][] | null;
  split: { train: number[]; val: number[]; test: number[] };
  /** Embedding runs: the margin head's row for each class label (-1: not in the training split). */
  trainIdentityRows: { rows: number; rowOf: number[] } | null;
  resume: boolean;
}

/** The name the loss-side variables (a margin head's class centres) take in the engine's files. */
export const lossTensorName = (name: string) => `loss.${name}`;

/**
 * Writes the job folder the PyTorch engine trains from: the decoded pixels exactly as the
 * tfjs engine's ImageCache holds them (so both engines see the same bytes, split and labels
 * by construction), the job, and the starting weights the tfjs Trainer built — its seeded
 * initialisation or what `model.initialWeights` loaded — in studio-torch names, so a run
 * starts from the same function on either engine.
 */
export async function writeTorchJob(opts: {
  jobDir: string;
  runDir: string;
  spec: RunSpec;
  data: TrainingData;
  trainer: Trainer;
  resume: boolean;
}): Promise<TorchJob> {
  const { spec, data, trainer } = opts;
  const cache = data.cache;
  const jobDir = resolve(opts.jobDir);
  const tmp = `${jobDir}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });

  const pixels = createWriteStream(join(tmp, 'pixels.u8'));
  for (let i = 0; i < cache.size; i++) {
    if (!pixels.write(cache.pixels(i))) await once(pixels, 'drain');
  }
  pixels.end();
  await once(pixels, 'finish');

  const snapshot = await trainer.snapshot(0);
  const tensors = [
    ...exportTorchWeights(trainer.model, spec.model.architecture),
    ...snapshot.extraWeights.map((t) => ({ ...t, name: lossTensorName(t.name) })),
  ];
  await writeFile(join(tmp, 'initial.safetensors'), writeSafetensors(tensors, { format: 'studio-torch', architecture: spec.model.architecture }));

  const numClasses = cache.classNames.length;
  const rows = spec.task.kind === 'embedding' ? trainingIdentityRows(cache.labels, data.split.train, numClasses) : undefined;
  const job: TorchJob = {
    format: 'studio-torch-job/1',
    spec,
    specHash: trainer.specHash,
    runDir: resolve(opts.runDir),
    imageSize: cache.imageSize,
    channels: cache.channels,
    samples: cache.size,
    classNames: cache.classNames,
    labels: [...cache.labels],
    boxes: cache.hasBoxes ? Array.from({ length: cache.size }, (_, i) => cache.box(i)) : null,
    split: data.split,
    trainIdentityRows: rows ? { rows: rows.rows, rowOf: [...rows.rowOf] } : null,
    resume: opts.resume,
  };
  await writeFile(join(tmp, 'job.json'), JSON.stringify(job));
  await rm(jobDir, { recursive: true, force: true });
  await rename(tmp, jobDir);
  return job;
}
