import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exportModel } from '../core/export/exportModel.ts';
import { preprocessingSpec } from '../core/export/preprocessingSpec.ts';
import { parseRunSpec } from '../core/spec/runSpec.ts';
import { modelFromCheckpoint } from '../core/train/modelFromCheckpoint.ts';
import { initNodeBackend } from '../node/backend.ts';
import { RunDirectory } from '../node/runDirectory.ts';
import { chooseCheckpoint } from './chooseCheckpoint.ts';
import { parseCommandArgs } from './parseCommandArgs.ts';
import { UsageError } from './usageError.ts';

const FORMATS = ['tfjs', 'onnx'] as const;

/** Writes a run's model (final, else best, else last checkpoint) as tfjs or ONNX files plus preprocessing.json. */
export async function exportCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseCommandArgs(args, {
    format: { type: 'string' },
    out: { type: 'string' },
    checkpoint: { type: 'string' },
    force: { type: 'boolean', default: false },
  });
  const runPath = positionals[0];
  if (!runPath) throw new UsageError('give a run directory, e.g. studio export runs/shapes --format onnx --out exported');
  if (positionals.length > 1) throw new UsageError(`export takes one run directory, got ${positionals.length}: ${positionals.join(', ')}`);
  const format = values.format as (typeof FORMATS)[number] | undefined;
  if (!format || !FORMATS.includes(format)) throw new UsageError(`--format must be tfjs or onnx, got ${values.format === undefined ? 'nothing' : `"${values.format}"`}`);
  if (!values.out) throw new UsageError('--out DIR is required: the directory the files are written to');
  const run = new RunDirectory(runPath);
  // The spec first: a path that is no run directory at all is told so.
  const spec = parseRunSpec(await run.readSpec());
  const name = chooseCheckpoint(run, values.checkpoint, 'export');
  const checkpoint = await run.readCheckpoint(name);
  await initNodeBackend('cpu');
  const model = modelFromCheckpoint(spec, checkpoint);
  try {
    const files = await exportModel(model, format, preprocessingSpec(spec, checkpoint.classNames));
    const taken = files.filter((f) => existsSync(join(values.out!, f.name)));
    if (taken.length > 0 && !values.force) {
      throw new Error(`${values.out} already holds ${taken.map((f) => f.name).join(', ')}; nothing was written (use --force to replace them)`);
    }
    await mkdir(values.out, { recursive: true });
    for (const f of files) await writeFile(join(values.out, f.name), f.bytes);
    console.log(`exported checkpoint "${name}" (epoch ${checkpoint.epoch}) of ${runPath} as ${format}: ${files.map((f) => join(values.out!, f.name)).join(', ')}`);
  } finally {
    model.dispose();
  }
}
