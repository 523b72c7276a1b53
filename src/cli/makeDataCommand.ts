import { parseArgs } from 'node:util';
import { syntheticSource } from '../core/data/syntheticSource.ts';
import { writeImageFolder } from '../node/writeDataset.ts';
import { UsageError } from './usageError.ts';

/** Writes one of the generated datasets to disk as an image folder, to try the CLI without data of your own. */
export async function makeDataCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      classes: { type: 'string', default: '3' },
      'per-class': { type: 'string', default: '20' },
      size: { type: 'string', default: '64' },
      seed: { type: 'string', default: '1' },
      format: { type: 'string', default: 'png' },
    },
  });
  const [generator, out] = positionals;
  if (generator !== 'shapes' && generator !== 'boxes' && generator !== 'faces') {
    throw new UsageError(`the generator must be shapes, boxes or faces, got "${generator ?? ''}"`);
  }
  if (!out) throw new UsageError('give an output directory');
  const format = values.format as 'png' | 'jpg' | 'pgm';
  if (!['png', 'jpg', 'pgm'].includes(format)) throw new UsageError(`--format must be png, jpg or pgm, got "${values.format}"`);
  const source = syntheticSource({
    generator,
    classes: Number(values.classes),
    perClass: Number(values['per-class']),
    imageSize: Number(values.size),
    seed: Number(values.seed),
  });
  await writeImageFolder(out, source, { format, labels: generator === 'boxes' ? 'json' : 'folders' });
  console.error(`wrote ${(await source.list()).length} images to ${out}`);
}
