import { writeFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { evaluateCheckpoint } from '../core/train/evaluateCheckpoint.ts';
import { metricsCsv, metricsJson } from '../report/metricsFiles.ts';
import { reportHtml } from '../report/reportHtml.ts';
import { parseRunSpec } from '../core/spec/runSpec.ts';
import { openTrainer } from '../node/openTrainer.ts';
import { RunDirectory } from '../node/runDirectory.ts';
import { backendOption } from './trainCommand.ts';
import { UsageError } from './usageError.ts';

/**
 * Prints the metrics of a trained run on one split of its data, as JSON on stdout; with
 * --report / --metrics also writes the Evaluate page's HTML report and metrics file.
 */
export async function evalCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      data: { type: 'string' },
      split: { type: 'string', default: 'test' },
      backend: { type: 'string' },
      checkpoint: { type: 'string' },
      report: { type: 'string' },
      metrics: { type: 'string' },
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
  const { trainer, data, info } = await openTrainer({
    spec,
    backend: backendOption(values.backend),
    resume: checkpoint,
    ...(values.data ? { dataDir: values.data } : {}),
  });
  if (values.metrics !== undefined && !/\.(json|csv)$/i.test(values.metrics)) throw new UsageError(`--metrics must name a .json or .csv file, got "${values.metrics}"`);
  try {
    if (values.report !== undefined || values.metrics !== undefined) {
      const report = await evaluateCheckpoint({
        spec,
        checkpoint,
        data,
        split,
        now: () => performance.now(),
        meta: { runId: basename(resolve(runPath)), runName: spec.name ?? basename(resolve(runPath)), backend: info.backend, adapter: info.adapter, slot: name },
      });
      if (values.report !== undefined) {
        await writeFile(values.report, reportHtml(report));
        console.error(`wrote the report to ${values.report}`);
      }
      if (values.metrics !== undefined) {
        await writeFile(values.metrics, values.metrics.toLowerCase().endsWith('.csv') ? metricsCsv(report) : metricsJson(report));
        console.error(`wrote the metrics to ${values.metrics}`);
      }
    }
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
