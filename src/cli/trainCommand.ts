import { parseArgs } from 'node:util';
import { basename, join } from 'node:path';
import { initNodeBackend, type NodeBackendName } from '../node/backend.ts';
import { trainRun } from '../node/trainRun.ts';
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
    },
  });
  const backend = backendOption(values.backend);
  let outDir: string;
  let spec: unknown;
  if (values.resume) {
    outDir = values.resume;
  } else {
    spec = await readSpecFile(positionals[0]);
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    outDir = values.out ?? join('runs', `${basename(positionals[0]!, '.json')}-${stamp}`);
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
    onTrainer: (trainer) => (stopTrainer = () => trainer.stop(`interrupted; resume with: studio train --resume ${outDir}`)),
  });
  process.off('SIGINT', onSigint);
  process.off('SIGTERM', onSigint);
  for (const bad of result.badSamples.slice(0, 20)) console.error(`skipped ${bad.id}: ${bad.reason}`);
  if (result.badSamples.length > 20) console.error(`... and ${result.badSamples.length - 20} more skipped files`);
  const test = Object.entries(result.summary.test)
    .map(([k, v]) => `${k} ${Number(v.toPrecision(4))}`)
    .join('  ');
  if (test) console.error(`test split: ${test}`);
  console.error(`run written to ${outDir}`);
  if (result.end.reason === 'error' || result.end.reason === 'nonFiniteLoss') throw new Error(result.end.message);
}
