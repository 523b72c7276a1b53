import { parseArgs } from 'node:util';
import { basename, join } from 'node:path';
import { initNodeBackend, type NodeBackendName } from '../node/backend.ts';
import { RunDirectory } from '../node/runDirectory.ts';
import { trainRun, type DataReport } from '../node/trainRun.ts';
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
    },
  });
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
  const info = await initNodeBackend(backend);
  const print = progressPrinter();
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
  const test = Object.entries(result.summary.test)
    .map(([k, v]) => `${k} ${Number(v.toPrecision(4))}`)
    .join('  ');
  if (test) console.error(`test split: ${test}`);
  console.error(`run written to ${outDir}`);
  if (result.end.reason === 'error' || result.end.reason === 'nonFiniteLoss') throw new Error(result.end.message);
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
