import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { basename, join } from 'node:path';
import { initNodeBackend, type NodeBackendName } from '../node/backend.ts';
import { RunDirectory } from '../node/runDirectory.ts';
import { trainRun, type DataReport, type TrainRunResult } from '../node/trainRun.ts';
import { trainRunTorch } from '../node/torchEngine/trainRunTorch.ts';
import type { TorchLaunch } from '../node/torchEngine/torchProcess.ts';
import type { TrainEvent } from '../core/train/trainEvent.ts';
import { progressPrinter } from './progressLine.ts';
import { readSpecFile } from './readSpecFile.ts';
import { UsageError } from './usageError.ts';

export function backendOption(value: string | undefined): NodeBackendName {
  const backend = value ?? 'cpu';
  if (backend !== 'cpu' && backend !== 'webgpu') throw new UsageError(`--backend must be cpu or webgpu, got "${backend}"`);
  return backend;
}

export async function trainCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      data: { type: 'string' },
      backend: { type: 'string' },
      out: { type: 'string' },
      resume: { type: 'string' },
      overwrite: { type: 'boolean' },
      force: { type: 'boolean' },
      engine: { type: 'string' },
      nproc: { type: 'string' },
      torchrun: { type: 'string' },
      'max-restarts': { type: 'string' },
    },
  });
  // A run the PyTorch engine started resumes on it without being told again.
  const engine = values.engine ?? (values.resume && existsSync(join(values.resume, 'torch-job')) ? 'torch' : 'tfjs');
  if (engine !== 'tfjs' && engine !== 'torch') throw new UsageError(`--engine must be tfjs or torch, got "${engine}"`);
  if (engine === 'tfjs' && (values.nproc || values.torchrun || values['max-restarts'])) throw new UsageError('--nproc, --torchrun and --max-restarts are for --engine torch');
  if (engine === 'torch' && values.backend) throw new UsageError('--backend picks the tfjs engine\'s backend; --engine torch runs on PyTorch (CUDA when it has a GPU)');
  const overwrite = Boolean(values.overwrite || values.force);
  if (overwrite && values.resume) throw new UsageError('--force starts a run afresh and --resume continues one: give one of them');
  const backend = backendOption(values.backend);
  let outDir: string;
  let spec: unknown;
  if (values.resume) {
    outDir = values.resume;
  } else {
    spec = await readSpecFile(positionals[0]);
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    outDir = values.out ?? join('runs', `${basename(positionals[0]!, '.json')}-${stamp}`);
    await claimRunDirectory(outDir, overwrite);
  }
  const print = progressPrinter();
  if (engine === 'torch') {
    // The core still loads the data, builds the starting model and scores the result: on tfjs' CPU backend.
    await initNodeBackend('cpu');
    await trainTorch(outDir, spec, values, print);
    return;
  }
  const info = await initNodeBackend(backend);
  // First Ctrl-C stops at the next batch and keeps the run resumable; a second one quits at once.
  let interrupts = 0;
  let stopTrainer: (() => void) | undefined;
  const onSigint = () => {
    interrupts++;
    if (interrupts > 1 || !stopTrainer) process.exit(130);
    console.error(`\nstopping after this batch (Ctrl-C again to quit now); resume with: studio train --resume ${outDir}`);
    stopTrainer();
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  const result = await trainRun({
    ...(spec !== undefined ? { spec } : {}),
    ...(values.data ? { dataDir: values.data } : {}),
    outDir,
    resume: Boolean(values.resume),
    backend: `${info.backend} (${info.adapter})`,
    onEvent: print,
    onData: printDataReport,
    onTrainer: (trainer) => (stopTrainer = () => trainer.stop(`interrupted; resume with: studio train --resume ${outDir}`)),
  });
  process.off('SIGINT', onSigint);
  process.off('SIGTERM', onSigint);
  reportEnd(result, outDir);
}

function reportEnd(result: TrainRunResult, outDir: string): void {
  const test = Object.entries(result.summary.test)
    .map(([k, v]) => `${k} ${Number(v.toPrecision(4))}`)
    .join('  ');
  if (test) console.error(`test split: ${test}`);
  console.error(`run written to ${outDir}`);
  if (result.end.reason === 'error' || result.end.reason === 'nonFiniteLoss') throw new Error(result.end.message);
}

function positiveIntOption(name: string, value: string | undefined, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be an integer >= ${min}, got "${value}"`);
  return n;
}

/** `--engine torch`: the same run on PyTorch (python/studio_torch), several processes under torchrun. */
async function trainTorch(
  outDir: string,
  spec: unknown,
  values: { data?: string; resume?: string; nproc?: string; torchrun?: string; 'max-restarts'?: string },
  print: (event: TrainEvent) => void,
): Promise<void> {
  const launch: TorchLaunch = {
    nproc: positiveIntOption('nproc', values.nproc, 1),
    maxRestarts: positiveIntOption('max-restarts', values['max-restarts'], 0, 0),
    ...(values.torchrun ? { torchrunArgs: values.torchrun.split(/\s+/).filter((a) => a !== '') } : {}),
  };
  let stopTorch: (() => void) | undefined;
  const onSigint = () => {
    if (!stopTorch) process.exit(130);
    console.error(`\nstopping the PyTorch engine; resume with: studio train --engine torch --resume ${outDir}`);
    stopTorch();
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  try {
    const result = await trainRunTorch({
      ...(spec !== undefined ? { spec } : {}),
      ...(values.data ? { dataDir: values.data } : {}),
      outDir,
      resume: Boolean(values.resume),
      launch,
      onEvent: print,
      onData: printDataReport,
      onTorch: (run) => (stopTorch = run.stop),
      onStderr: (text) => process.stderr.write(text.split('\n').filter((l) => /error|warning|refused/i.test(l)).map((l) => `torch: ${l}\n`).join('')),
    });
    reportEnd(result, outDir);
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
  }
}

/**
 * Refuses to train into a directory that holds a run (or anything else) unless told to
 * (--force, or its synonym --overwrite), so a reused --out never mixes a new run's lines into
 * an old run's events. Forced, the old run's files go first; a folder of other things is never
 * written into.
 */
async function claimRunDirectory(outDir: string, overwrite: boolean): Promise<void> {
  const dir = new RunDirectory(outDir);
  const here = await dir.occupancy();
  if (here === 'none' || here === 'empty') return;
  if (here === 'file') throw new Error(`--out ${outDir} is a file, not a directory`);
  if (here === 'other') throw new Error(`--out ${outDir} is a folder that holds other files, not a run: give a new or empty directory`);
  if (!overwrite) {
    throw new Error(`--out ${outDir} already holds a run: continue it with --resume ${outDir}, replace it with --force, or give another directory`);
  }
  await dir.clear();
  console.error(`replacing the run in ${outDir} (--force)`);
}

/** What the data gave, before the first step: a person sees skipped files while they can still stop the run. */
function printDataReport(report: DataReport): void {
  const dup = report.duplicates > 0 ? `, ${report.duplicates} of them duplicates` : '';
  console.error(`data: ${report.images} images${report.skipped > 0 ? `, ${report.skipped} files skipped${dup}` : ''}`);
  for (const bad of report.skippedFiles.slice(0, 20)) console.error(`skipped ${bad.id}: ${bad.reason}`);
  if (report.skippedFiles.length > 20) console.error(`... and ${report.skippedFiles.length - 20} more skipped files (all in summary.json)`);
}
