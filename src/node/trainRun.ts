import { syntheticSourceForSpec } from '../core/data/syntheticSource.ts';
import type { SampleSource } from '../core/data/sampleSource.ts';
import { parseRunSpec, type RunSpec } from '../core/spec/runSpec.ts';
import type { Checkpoint } from '../core/train/checkpoint.ts';
import { prepareData } from '../core/train/prepareData.ts';
import { Trainer } from '../core/train/trainer.ts';
import type { TrainEndEvent, TrainEvent } from '../core/train/trainEvent.ts';
import { FolderSource } from './folderSource.ts';
import { loadInitialWeights } from './loadInitialWeights.ts';
import { RunDirectory } from './runDirectory.ts';

export interface TrainRunOptions {
  /** The spec as written (validated here); ignored when resuming, which reads the run's own spec. */
  spec?: unknown;
  /** Overrides data.source for folder specs (the CLI's --data). */
  dataDir?: string;
  /** Opens the data instead of data.source (the companion's uploaded datasets). */
  openSource?: (spec: RunSpec) => SampleSource;
  outDir: string;
  resume?: boolean;
  backend: string;
  onEvent?: (event: TrainEvent) => void;
  onLoadProgress?: (done: number, total: number) => void;
  /** Lets a host (the companion) stop or pause the run. */
  onTrainer?: (trainer: Trainer) => void;
}

export interface TrainRunResult {
  end: TrainEndEvent;
  summary: RunSummary;
  badSamples: { id: string; reason: string }[];
}

export interface RunSummary {
  specHash: string;
  backend: string;
  reason: TrainEndEvent['reason'];
  message: string;
  epochsRun: number;
  steps: number;
  final: Record<string, number>;
  best?: TrainEndEvent['best'];
  test: Record<string, number>;
  classNames: string[];
}

/** Opens the data a spec names, on a Node host. */
export function openSource(spec: RunSpec, dataDir?: string): SampleSource {
  const src = spec.data.source;
  if (dataDir) return new FolderSource(dataDir, { labels: spec.data.labels });
  switch (src.kind) {
    case 'folder':
      return new FolderSource(src.path, { labels: spec.data.labels });
    case 'synthetic':
      return syntheticSourceForSpec(spec, src);
    case 'indexeddb':
      throw new Error('data.source "indexeddb" lives in the browser studio; pass --data DIR to train from a folder here');
    case 'memory':
      throw new Error('data.source "memory" needs a host that hands samples over; pass --data DIR to train from a folder');
  }
}

/**
 * Trains a spec into a run directory, or resumes the run there from its last checkpoint.
 * The CLI and the companion both call this; the browser's worker does the same steps
 * against IndexedDB.
 */
export async function trainRun(options: TrainRunOptions): Promise<TrainRunResult> {
  const dir = new RunDirectory(options.outDir);
  let resume: Checkpoint | undefined;
  let spec: RunSpec;
  if (options.resume) {
    spec = parseRunSpec(await dir.readSpec());
    if (!dir.hasCheckpoint('last')) throw new Error(`nothing to resume in ${options.outDir}: it has no checkpoint yet`);
    resume = await dir.readCheckpoint('last');
    await dir.truncateEventsTo(resume);
  } else {
    spec = parseRunSpec(options.spec);
    await dir.init(spec);
    await dir.truncateEventsTo({ epoch: -1, step: -1 });
  }
  const source = options.openSource ? options.openSource(spec) : openSource(spec, options.dataDir);
  const data = await prepareData(source, spec, options.onLoadProgress);
  const initialWeights = !resume && spec.model.initialWeights ? await loadInitialWeights(spec.model.initialWeights) : undefined;
  let lastEpochMetrics: Record<string, number> = {};
  // Events are appended in order through this queue, so the loop never waits on the disk.
  let pending: Promise<void> = Promise.resolve();
  const trainer = new Trainer({
    spec,
    data,
    backend: options.backend,
    ...(resume ? { resume } : {}),
    ...(initialWeights ? { initialWeights } : {}),
    onEvent: (event) => {
      if (event.type === 'epoch') lastEpochMetrics = event.metrics;
      pending = pending.then(() => dir.appendEvent(event));
      options.onEvent?.(event);
    },
    saveCheckpoint: async (checkpoint, kind) => {
      await pending;
      // 'last' only ever holds an epoch boundary, so --resume continues the curve exactly.
      if (kind === 'best') await dir.writeCheckpoint(checkpoint, 'best');
      if (kind === 'periodic' || kind === 'final') await dir.writeCheckpoint(checkpoint, 'last');
      if (kind === 'final' || kind === 'interrupted') await dir.writeCheckpoint(checkpoint, 'final');
    },
  });
  options.onTrainer?.(trainer);
  try {
    const end = await trainer.fit();
    await pending;
    const test = end.reason === 'error' ? {} : await trainer.evaluate(data.split.test, 'test_');
    if (end.reason !== 'error') await dir.saveModel(trainer.model);
    const summary: RunSummary = {
      specHash: trainer.specHash,
      backend: options.backend,
      reason: end.reason,
      message: end.message,
      epochsRun: end.epochsRun,
      steps: end.step,
      final: lastEpochMetrics,
      ...(end.best ? { best: end.best } : {}),
      test,
      classNames: data.cache.classNames,
    };
    await dir.writeSummary(summary);
    return { end, summary, badSamples: data.badSamples };
  } finally {
    trainer.dispose();
    data.cache.dispose?.();
  }
}
