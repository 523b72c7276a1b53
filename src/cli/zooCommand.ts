import { parseArgs } from 'node:util';
import { zooTable } from '../core/models/index.ts';
import { initNodeBackend } from '../node/backend.ts';

function human(n: number, unit = ''): string {
  const steps: [number, string][] = [
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  for (const [size, suffix] of steps) if (n >= size) return `${(n / size).toFixed(2)}${suffix}${unit}`;
  return `${n}${unit}`;
}

export async function zooCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      input: { type: 'string', default: '112' },
      channels: { type: 'string', default: '3' },
      classes: { type: 'string', default: '10' },
      width: { type: 'string', default: '1' },
      json: { type: 'boolean', default: false },
    },
  });
  const channels = Number(values.channels);
  if (channels !== 1 && channels !== 3) throw new Error(`--channels must be 1 or 3, got ${values.channels}`);
  await initNodeBackend('cpu');
  const rows = zooTable({
    inputSize: Number(values.input),
    channels,
    numClasses: Number(values.classes),
    width: Number(values.width),
  });
  if (values.json) {
    console.log(JSON.stringify(rows, null, 2));
    return;
  }
  console.log(`model zoo at ${values.input}x${values.input}x${channels}, ${values.classes} classes, width ${values.width}`);
  console.log(['architecture'.padEnd(18), 'params'.padStart(10), 'size'.padStart(10), 'FLOPs'.padStart(10)].join(' '));
  for (const r of rows) {
    console.log([r.architecture.padEnd(18), human(r.params).padStart(10), human(r.bytes, 'B').padStart(10), human(r.flops).padStart(10)].join(' '));
  }
}
