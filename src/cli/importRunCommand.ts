import { readFile } from 'node:fs/promises';
import { modelFromCheckpoint } from '../core/train/modelFromCheckpoint.ts';
import { initNodeBackend } from '../node/backend.ts';
import { RunDirectory } from '../node/runDirectory.ts';
import { unpackRunBundle } from '../storage/runBundle.ts';
import { parseCommandArgs } from './parseCommandArgs.ts';
import { UsageError } from './usageError.ts';

/**
 * A `.studio-run` file (exported from the studio's Runs page) as a run directory: spec,
 * events and checkpoints, so `studio export` and `studio predict` work on a run trained in
 * a browser. The file is checked whole, each checkpoint against the model its spec builds,
 * before anything is written. A dataset copy in the file is not unpacked: the run's spec
 * names the browser's dataset, which the CLI does not read.
 */
export async function importRunCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseCommandArgs(args, { out: { type: 'string' }, force: { type: 'boolean', default: false } });
  const file = positionals[0];
  if (!file) throw new UsageError('give a run file, e.g. studio import-run shapes.studio-run --out runs/shapes');
  if (positionals.length > 1) throw new UsageError(`import-run takes one run file, got ${positionals.length}: ${positionals.join(', ')}`);
  if (!values.out) throw new UsageError('--out RUN_DIR is required: the run directory to write');
  const bytes = await readFile(file).catch((e: unknown) => {
    throw new Error(`cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`);
  });
  const bundle = await unpackRunBundle(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  await initNodeBackend('cpu');
  for (const { slot, checkpoint } of bundle.checkpoints) {
    try {
      modelFromCheckpoint(bundle.run.spec, checkpoint).dispose();
    } catch (e) {
      throw new Error(`the '${slot}' checkpoint in ${file} does not fit the model its spec builds (${e instanceof Error ? e.message : String(e)}); nothing was written`, {
        cause: e,
      });
    }
  }
  const run = new RunDirectory(values.out);
  const here = await run.occupancy();
  if (here === 'file') throw new Error(`--out ${values.out} is a file; nothing was written`);
  if ((here === 'run' || here === 'other') && !values.force) {
    throw new Error(`--out ${values.out} is not empty; give another directory, or --force to replace the run there (nothing was written)`);
  }
  if (here === 'run') await run.clear();
  await run.init(bundle.run.spec);
  for (const event of bundle.events) await run.appendEvent(event);
  for (const { slot, checkpoint } of bundle.checkpoints) await run.writeCheckpoint(checkpoint, slot);
  await run.writeSummary({ importedFrom: file, run: { id: bundle.run.id, name: bundle.run.name, status: bundle.run.status, test: bundle.run.test, best: bundle.run.best } });
  const slots = bundle.checkpoints.map((c) => c.slot).join(', ');
  console.log(`imported run '${bundle.run.name}' into ${values.out}: ${bundle.events.length} events, checkpoints ${slots}`);
}
