import { parseArgs } from 'node:util';
import { generatorDrawsBoxes, SYNTHETIC_GENERATORS, syntheticSource, type SyntheticGenerator } from '../core/data/syntheticSource.ts';
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
  if (!(SYNTHETIC_GENERATORS as readonly string[]).includes(generator)) {
    throw new UsageError(`the generator must be one of ${SYNTHETIC_GENERATORS.join(', ')}, got "${generator ?? ''}"`);
  }
  if (!out) throw new UsageError('give an output directory');
  const format = values.format as 'png' | 'jpg' | 'pgm';
  if (!['png', 'jpg', 'pgm'].includes(format)) throw new UsageError(`--format must be png, jpg or pgm, got "${values.format}"`);
  const source = syntheticSource({
    generator: generator as SyntheticGenerator,
    classes: Number(values.classes),
    perClass: Number(values['per-class']),
    imageSize: Number(values.size),
    seed: Number(values.seed),
  });
  await writeImageFolder(out, source, { format, labels: generatorDrawsBoxes(generator as SyntheticGenerator) ? 'json' : 'folders' });
  console.error(`wrote ${(await source.list()).length} images to ${out}`);
}
