import { importCounts, type ImportCounts } from '../core/data/importPolicy.ts';
import { syntheticSourceForSpec } from '../core/data/syntheticSource.ts';
import type { BadSample, SampleSource } from '../core/data/sampleSource.ts';
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
  /** Loads model.initialWeights instead of loadInitialWeights (the companion's uploaded weights, never a client's path). */
  loadWeights?: typeof loadInitialWeights;
  outDir: string;
  resume?: boolean;
  backend: string;
  onEvent?: (event: TrainEvent) => void;
  onLoadProgress?: (done: number, total: number) => void;
  /** Lets a host (the companion) stop or pause the run. */
  onTrainer?: (trainer: Trainer) => void;
  /** The data as loaded, before the first step: what was kept and what was skipped, and why. */
  onData?: (report: DataReport) => void;
}

/** What the data gave a run: images kept, files skipped with the import policy's reasons. */
export interface DataReport extends ImportCounts {
  skippedFiles: BadSample[];
}

/** Skipped files listed in summary.json; the counts cover all of them. */
export const SUMMARY_SKIPPED_LIMIT = 1000;

export interface TrainRunResult {
  end: TrainEndEvent;
  summary: RunSummary;
  badSamples: { id: string; reason: string }[];
}

export interface RunSummary {
  /** `failed` for an error or a non-finite loss (with `message` saying why), `stopped` when stopped, else `completed`. */
  status: 'completed' | 'stopped' | 'failed';
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
  /** The data as loaded: counts, and the skipped files (the first SUMMARY_SKIPPED_LIMIT) with their reasons. */
  data?: DataReport;
}

/** What summary.json holds for a run that failed before it could end on its own: the status and the reason. */
export interface FailedRunSummary {
  status: 'failed';
  message: string;
  specHash?: string;
  backend: string;
  data?: DataReport;
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

/** What a run trains on: its data loaded and split, what it skipped, and the weights it starts from (none when resuming). */
export interface RunData {
  data: Awaited<ReturnType<typeof prepareData>>;
  dataReport: DataReport;
  initialWeights?: Awaited<ReturnType<typeof loadInitialWeights>>;
}

/**
 * Opens a run's data and starting weights the same way for both engines; a failure is
 * reported through `failed` (with what the data gave so far) and rethrown.
 */
export async function openRunData(
  options: Pick<TrainRunOptions, 'openSource' | 'dataDir' | 'onLoadProgress' | 'onData' | 'loadWeights'>,
  spec: RunSpec,
  resuming: boolean,
  failed: (e: unknown, report?: DataReport) => Promise<void>,
): Promise<RunData> {
  let dataReport: DataReport | undefined;
  try {
    const source = options.openSource ? options.openSource(spec) : openSource(spec, options.dataDir);
    const data = await prepareData(source, spec, options.onLoadProgress);
    const images = data.split.train.length + data.split.val.length + data.split.test.length;
    dataReport = { ...importCounts(images, data.badSamples), skippedFiles: data.badSamples };
    options.onData?.(dataReport);
    const initialWeights = !resuming && spec.model.initialWeights ? await (options.loadWeights ?? loadInitialWeights)({ architecture: spec.model.architecture, initialWeights: spec.model.initialWeights }) : undefined;
    return { data, dataReport, ...(initialWeights ? { initialWeights } : {}) };
  } catch (e) {
    await failed(e, dataReport);
    throw e;
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
  const { data, dataReport, initialWeights } = await openRunData(options, spec, resume !== undefined, (e, report) => writeFailed(dir, options.backend, e, report));
  const summaryData = dataReport && { ...dataReport, skippedFiles: dataReport.skippedFiles.slice(0, SUMMARY_SKIPPED_LIMIT) };
  let lastEpochMetrics: Record<string, number> = {};
  // Events are appended in order through this queue, so the loop never waits on the disk.
  let pending: Promise<void> = Promise.resolve();
  let trainer: Trainer;
  try {
    trainer = new Trainer({
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
  } catch (e) {
    await writeFailed(dir, options.backend, e, summaryData);
    throw e;
  }
  options.onTrainer?.(trainer);
  try {
    const end = await trainer.fit().catch(async (e: unknown) => {
      await pending.catch(() => undefined);
      await writeFailed(dir, options.backend, e, summaryData, trainer.specHash);
      throw e;
    });
    await pending;
    const test = end.reason === 'error' ? {} : await trainer.evaluate(data.split.test, 'test_');
    if (end.reason !== 'error') await dir.saveModel(trainer.model);
    const summary: RunSummary = {
      status: end.reason === 'error' || end.reason === 'nonFiniteLoss' ? 'failed' : end.reason === 'stopped' ? 'stopped' : 'completed',
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
      ...(summaryData ? { data: summaryData } : {}),
    };
    await dir.writeSummary(summary);
    return { end, summary, badSamples: data.badSamples };
  } finally {
    trainer.dispose();
    data.cache.dispose?.();
  }
}

/** Leaves the reason a run failed where its summary would be, so its directory never reads as a run still going. */
export async function writeFailed(dir: RunDirectory, backend: string, e: unknown, data?: DataReport, specHash?: string): Promise<void> {
  const summary: FailedRunSummary = {
    status: 'failed',
    message: e instanceof Error ? e.message : String(e),
    ...(specHash ? { specHash } : {}),
    backend,
    ...(data ? { data: { ...data, skippedFiles: data.skippedFiles.slice(0, SUMMARY_SKIPPED_LIMIT) } } : {}),
  };
  await dir.writeSummary(summary).catch(() => undefined);
}
