import { readFile, writeFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseLfwPairs } from '../core/evaluate/lfwPairs.ts';
import { evaluateCheckpoint } from '../core/train/evaluateCheckpoint.ts';
import type { PreparedData } from '../core/train/prepareData.ts';
import type { Pair } from '../core/train/verificationPairs.ts';
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
      pairs: { type: 'string' },
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
    let pairs: { pairs: Pair[]; problems: string[] } | undefined;
    if (values.pairs !== undefined) {
      if (spec.task.kind !== 'embedding') throw new UsageError(`--pairs verifies embedding models; ${runPath} is a ${spec.task.kind} model`);
      pairs = pairsFromFile(await readPairsFile(values.pairs), data, data.split[split]);
      for (const problem of pairs.problems.slice(0, 20)) console.error(`${values.pairs}: ${problem}`);
      if (pairs.problems.length > 20) console.error(`${values.pairs}: ... and ${pairs.problems.length - 20} more lines skipped`);
    }
    if (values.report !== undefined || values.metrics !== undefined || pairs) {
      const report = await evaluateCheckpoint({
        spec,
        checkpoint,
        data,
        split,
        now: () => performance.now(),
        meta: { runId: basename(resolve(runPath)), runName: spec.name ?? basename(resolve(runPath)), backend: info.backend, adapter: info.adapter, slot: name },
        ...(pairs ? { pairs: pairs.pairs } : {}),
      });
      if (pairs && report.result.kind === 'verification') {
        const r = report.result;
        const genuine = r.pairs.filter((p) => p.same === 1).length;
        console.log(
          JSON.stringify(
            {
              run: runPath,
              checkpoint: name,
              epoch: checkpoint.epoch,
              split,
              samples: data.split[split].length,
              pairs: { file: values.pairs, scored: r.pairs.length, genuine, impostor: r.pairs.length - genuine, skippedLines: pairs.problems.length },
              metrics: { auc: r.auc, eer: r.eer.eer, verification_acc: r.tenFold.mean, verification_acc_std: r.tenFold.std },
            },
            null,
            2,
          ),
        );
      }
      if (values.report !== undefined) {
        await writeFile(values.report, reportHtml(report));
        console.error(`wrote the report to ${values.report}`);
      }
      if (values.metrics !== undefined) {
        await writeFile(values.metrics, values.metrics.toLowerCase().endsWith('.csv') ? metricsCsv(report) : metricsJson(report));
        console.error(`wrote the metrics to ${values.metrics}`);
      }
    }
    if (pairs) return;
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

async function readPairsFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    throw new Error(`--pairs ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`, { cause: e });
  }
}

/** An LFW pairs file as positions into the split, as the studio's Evaluate page reads one: people are identities, image i their i-th file by name (or the file numbered i). */
function pairsFromFile(text: string, data: PreparedData, indices: number[]): { pairs: Pair[]; problems: string[] } {
  const samples = indices.map((i) => {
    const ref = data.cache.refs[i];
    return { id: ref.id, identity: ref.identity ?? ref.className, fileName: ref.id.split('/').pop() ?? ref.id };
  });
  return parseLfwPairs(text, samples);
}
