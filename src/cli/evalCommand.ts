import { parseArgs } from 'node:util';
import { parseRunSpec } from '../core/spec/runSpec.ts';
import { openTrainer } from '../node/openTrainer.ts';
import { RunDirectory } from '../node/runDirectory.ts';
import { backendOption } from './trainCommand.ts';
import { UsageError } from './usageError.ts';

/** Prints the metrics of a trained run on one split of its data, as JSON on stdout. */
export async function evalCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      data: { type: 'string' },
      split: { type: 'string', default: 'test' },
      backend: { type: 'string' },
      checkpoint: { type: 'string' },
    },
  });
  const runPath = positionals[0];
  if (!runPath) throw new UsageError('give a run directory, e.g. runs/shapes-2026-11-22');
  const split = values.split as 'train' | 'val' | 'test';
  if (!['train', 'val', 'test'].includes(split)) throw new UsageError(`--split must be train, val or test, got "${values.split}"`);
  const run = new RunDirectory(runPath);
  const spec = parseRunSpec(await run.readSpec());
  const name = values.checkpoint ?? (run.hasCheckpoint('final') ? 'final' : 'last');
  const checkpoint = await run.readCheckpoint(name);
  const { trainer, data } = await openTrainer({
    spec,
    backend: backendOption(values.backend),
    resume: checkpoint,
    ...(values.data ? { dataDir: values.data } : {}),
  });
  try {
    const metrics = await trainer.evaluate(data.split[split], '');
    console.log(
      JSON.stringify(
        { run: runPath, checkpoint: name, epoch: checkpoint.epoch, split, samples: data.split[split].length, metrics },
        null,
        2,
      ),
    );
  } finally {
    trainer.dispose();
  }
}
