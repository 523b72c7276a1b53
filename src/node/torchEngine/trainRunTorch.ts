import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { importStudioTorchWeights } from '../../core/pretrained/importStudioTorchWeights.ts';
import { readSafetensors } from '../../core/pretrained/safetensors.ts';
import { parseRunSpec, type RunSpec } from '../../core/spec/runSpec.ts';
import type { Checkpoint } from '../../core/train/checkpoint.ts';
import { Trainer } from '../../core/train/trainer.ts';
import { writeWeights } from '../../core/train/weightTransfer.ts';
import type { EpochEvent, TrainEndEvent, TrainEvent } from '../../core/train/trainEvent.ts';
import { RunDirectory } from '../runDirectory.ts';
import { openRunData, SUMMARY_SKIPPED_LIMIT, writeFailed, type DataReport, type RunSummary, type TrainRunOptions, type TrainRunResult } from '../trainRun.ts';
import { EventTail } from './tailEvents.ts';
import { lossTensorName, writeTorchJob } from './writeTorchJob.ts';
import { refusalMessage, refusalsIn, startTorch, torchInfo, torchPython, torchRefusals, type TorchLaunch, type TorchRun } from './torchProcess.ts';

export interface TrainRunTorchOptions extends Omit<TrainRunOptions, 'onTrainer' | 'backend'> {
  launch: TorchLaunch;
  /** Lets a host stop the engine (the CLI's Ctrl-C, the companion's cancel). */
  onTorch?: (run: TorchRun) => void;
  /** The engine's own output (torchrun's and Python's), for a host's log. */
  onStderr?: (text: string) => void;
}

/** The torch checkpoint folders and the studio checkpoints they become (trainRun's names). */
const CHECKPOINTS = [
  ['torch-last', 'last'],
  ['torch-best', 'best'],
  ['torch-final', 'final'],
] as const;

/**
 * Trains a spec on the PyTorch engine into a run directory, the same directory trainRun
 * writes: the core loads and splits the data and builds the starting model as the tfjs
 * engine would, the engine (python/studio_torch, under torchrun for several processes)
 * trains and writes events.jsonl and its checkpoints, and the core then turns the
 * checkpoints into studio checkpoints, scores the test split and saves the tfjs model, so
 * everything downstream (Evaluate, export, Try it, fine-tuning) reads the run unchanged.
 */
export async function trainRunTorch(options: TrainRunTorchOptions): Promise<TrainRunResult> {
  const python = torchPython();
  const info = torchInfo(python);
  const dir = new RunDirectory(options.outDir);
  let spec: RunSpec;
  if (options.resume) {
    spec = parseRunSpec(await dir.readSpec());
    if (!existsSync(join(options.outDir, 'checkpoints', 'torch-last'))) throw new Error(`nothing to resume in ${options.outDir}: the PyTorch engine wrote no checkpoint there yet`);
  } else {
    spec = parseRunSpec(options.spec);
    const refused = await torchRefusals(spec, options.launch.torchrunArgs ? 1 : options.launch.nproc, python);
    if (refused.length > 0) throw new Error(refusalMessage(refused));
    await dir.init(spec);
    await dir.truncateEventsTo({ epoch: -1, step: -1 });
  }
  const backend = `torch ${info.torch} (${info.cuda > 0 ? `${info.cuda} CUDA device${info.cuda > 1 ? 's' : ''}` : 'CPU'}, ${options.launch.nproc} process${options.launch.nproc > 1 ? 'es' : ''})`;

  const failed = (e: unknown, report?: DataReport) => writeFailed(dir, backend, e, report);
  const { data, dataReport, initialWeights } = await openRunData(options, spec, Boolean(options.resume), failed);
  let trainer: Trainer;
  try {
    trainer = new Trainer({ spec, data, backend, ...(initialWeights ? { initialWeights } : {}) });
  } catch (e) {
    await failed(e, dataReport);
    throw e;
  }
  try {
    const jobDir = join(options.outDir, 'torch-job');
    await writeTorchJob({ jobDir, runDir: options.outDir, spec, data, trainer, resume: Boolean(options.resume) });

    let lastEpoch: EpochEvent | undefined;
    let end: TrainEndEvent | undefined;
    const tail = new EventTail(dir.eventsPath, (event: TrainEvent) => {
      if (event.type === 'epoch') lastEpoch = event;
      if (event.type === 'trainEnd') end = event;
      options.onEvent?.(event);
    });
    // A resumed run's earlier events were handed over by the session that wrote them.
    await tail.start({ skipExisting: Boolean(options.resume) });
    const run = startTorch(join(jobDir, 'job.json'), options.launch, { python, ...(options.onStderr ? { onStderr: options.onStderr } : {}) });
    options.onTorch?.(run);
    const exit = await run.done.finally(() => tail.stop());
    // The engine refuses with exit code 2; under torchrun the launcher itself then exits 1.
    if (exit.code !== 0) {
      const refused = refusalsIn(exit.stderr);
      if (refused) throw new Error(refusalMessage(refused));
    }
    if (!end) {
      const why = exit.signal ? `was stopped by ${exit.signal}` : `exited with code ${exit.code}`;
      const last = exit.stderr.trim().split('\n').filter((l) => l.trim() !== '').slice(-3).join(' | ');
      throw new Error(`the PyTorch engine ${why} before the run ended${last ? `: ${last}` : ''}`);
    }

    const converted = await convertCheckpoints(dir, trainer, spec);
    const scoreFrom = converted.includes('final') ? 'final' : converted.includes('last') ? 'last' : undefined;
    let test: Record<string, number> = {};
    if (scoreFrom && end.reason !== 'error') {
      await loadWeightsOf(dir, trainer, scoreFrom);
      test = await trainer.evaluate(data.split.test, 'test_');
      await dir.saveModel(trainer.model);
    }
    const summary: RunSummary = {
      status: end.reason === 'error' || end.reason === 'nonFiniteLoss' ? 'failed' : end.reason === 'stopped' ? 'stopped' : 'completed',
      specHash: trainer.specHash,
      backend,
      reason: end.reason,
      message: end.message,
      epochsRun: end.epochsRun,
      steps: end.step,
      final: lastEpoch?.metrics ?? {},
      ...(end.best ? { best: end.best } : {}),
      test,
      classNames: data.cache.classNames,
      ...(dataReport ? { data: { ...dataReport, skippedFiles: dataReport.skippedFiles.slice(0, SUMMARY_SKIPPED_LIMIT) } } : {}),
    };
    await dir.writeSummary(summary);
    return { end, summary, badSamples: data.badSamples };
  } catch (e) {
    await writeFailed(dir, backend, e, dataReport, trainer.specHash);
    throw e;
  } finally {
    trainer.dispose();
    data.cache.dispose?.();
  }
}


/** What a torch checkpoint says of itself (meta.json beside model.safetensors). */
interface TorchCheckpointMeta {
  epoch: number;
  step: number;
  best?: Checkpoint['best'];
}

/** Loads a torch checkpoint's model and loss tensors into the trainer's model and returns the studio checkpoint they make. */
async function studioCheckpointOf(dir: RunDirectory, trainer: Trainer, spec: RunSpec, torchName: string): Promise<Checkpoint> {
  const folder = join(dir.root, 'checkpoints', torchName);
  const file = readSafetensors(new Uint8Array(await readFile(join(folder, 'model.safetensors'))));
  const meta = JSON.parse(await readFile(join(folder, 'meta.json'), 'utf8')) as TorchCheckpointMeta;
  const modelFile = { ...file, tensors: new Map([...file.tensors].filter(([name]) => !name.startsWith('loss.'))) };
  importStudioTorchWeights(trainer.model, modelFile, spec.model.architecture);
  const snapshot = await trainer.snapshot(meta.epoch);
  const extraWeights = snapshot.extraWeights.map((t) => {
    const stored = file.tensors.get(lossTensorName(t.name));
    if (!stored) throw new Error(`${torchName}/model.safetensors has no ${lossTensorName(t.name)}`);
    return { ...t, data: Float32Array.from(stored.data as ArrayLike<number>) };
  });
  // The optimizer's state stays the engine's (state.json + state.safetensors): a torch run resumes on torch; this checkpoint is for evaluation, export and fine-tuning.
  return { ...snapshot, step: meta.step, extraWeights, ...(meta.best ? { best: meta.best } : {}) };
}

async function loadWeightsOf(dir: RunDirectory, trainer: Trainer, name: string): Promise<void> {
  writeWeights(trainer.model, (await dir.readCheckpoint(name)).weights, 'exact');
}

/**
 * Turns every torch checkpoint the run has into the studio checkpoint of the same role, in
 * epoch order (the trainer unfreezes its backbone on the way, as the run did); returns the
 * studio names written.
 */
async function convertCheckpoints(dir: RunDirectory, trainer: Trainer, spec: RunSpec): Promise<string[]> {
  const present = [];
  for (const [torchName, name] of CHECKPOINTS) {
    const meta = join(dir.root, 'checkpoints', torchName, 'meta.json');
    if (!existsSync(join(dir.root, 'checkpoints', torchName, 'model.safetensors')) || !existsSync(meta)) continue;
    present.push({ torchName, name, epoch: (JSON.parse(await readFile(meta, 'utf8')) as TorchCheckpointMeta).epoch });
  }
  present.sort((a, b) => a.epoch - b.epoch);
  for (const { torchName, name } of present) await dir.writeCheckpoint(await studioCheckpointOf(dir, trainer, spec, torchName), name);
  return present.map((p) => p.name);
}
