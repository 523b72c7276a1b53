import { readFile } from 'node:fs/promises';
import { parseRunSpec } from '../core/spec/runSpec.ts';
import { modelFromCheckpoint } from '../core/train/modelFromCheckpoint.ts';
import { Predictor } from '../core/train/predictor.ts';
import { initNodeBackend } from '../node/backend.ts';
import { decodeImageFile } from '../node/decodeImage.ts';
import { RunDirectory } from '../node/runDirectory.ts';
import { chooseCheckpoint } from './chooseCheckpoint.ts';
import { parseCommandArgs } from './parseCommandArgs.ts';
import { UsageError } from './usageError.ts';


function softmax(logits: Float32Array): number[] {
  const max = Math.max(...logits);
  const e = Array.from(logits, (v) => Math.exp(v - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}

/**
 * Runs a run's model on image files through the run's own input pipeline (its channels,
 * resize only where the picture's size differs from the input size, its normalization)
 * and prints each image's top classes, or its embedding; with --json one JSON line per image.
 * A file that cannot be read is reported on its line and the rest still run (exit 1 at the end).
 */
export async function predictCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseCommandArgs(args, {
    json: { type: 'boolean', default: false },
    top: { type: 'string', default: '5' },
    checkpoint: { type: 'string' },
  });
  const [runPath, ...images] = positionals;
  if (!runPath || images.length === 0) throw new UsageError('give a run directory and one or more images, e.g. studio predict runs/shapes cat.png');
  if (!/^\d+$/.test(values.top) || Number(values.top) < 1) throw new UsageError(`--top must be a positive whole number, got "${values.top}"`);
  const run = new RunDirectory(runPath);
  const spec = parseRunSpec(await run.readSpec());
  const name = chooseCheckpoint(run, values.checkpoint, 'predict with');
  const checkpoint = await run.readCheckpoint(name);
  await initNodeBackend('cpu');
  const predictor = new Predictor(spec, modelFromCheckpoint(spec, checkpoint));
  const top = Number(values.top);
  let failed = 0;
  try {
    for (const image of images) {
      let outputs: Float32Array[];
      try {
        outputs = await predictor.outputs(await decodeImageFile(new Uint8Array(await readFile(image)), image));
      } catch (err) {
        failed++;
        const message = err instanceof Error ? err.message : String(err);
        if (values.json) console.log(JSON.stringify({ image, error: message }));
        else console.log(`${image}: cannot be read (${message})`);
        continue;
      }
      if (spec.task.kind === 'embedding') {
        const embedding = Array.from(outputs[0]);
        if (values.json) console.log(JSON.stringify({ image, embedding }));
        else console.log(`${image}: embedding of ${embedding.length} values, first ${embedding.slice(0, 4).map((v) => v.toFixed(4)).join(', ')} …`);
        continue;
      }
      const probs = softmax(outputs[0]);
      const ranked = probs
        .map((p, i) => ({ label: checkpoint.classNames[i] ?? `class ${i}`, p }))
        .sort((a, b) => b.p - a.p)
        .slice(0, top);
      const box = spec.task.kind === 'detection' ? Array.from(outputs[1]) : undefined;
      if (values.json) console.log(JSON.stringify({ image, logits: Array.from(outputs[0]), top: ranked, ...(box ? { box } : {}) }));
      else console.log(`${image}: ${ranked.map((r) => `${r.label} ${(100 * r.p).toFixed(1)}%`).join(', ')}${box ? `  box [${box.map((v) => v.toFixed(3)).join(', ')}]` : ''}`);
    }
  } finally {
    predictor.dispose();
  }
  if (failed > 0) throw new Error(`${failed} of ${images.length} images could not be read`);
}
