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
  // Papers and torchvision quote trainable parameters and MACs (torchvision calls them "GFLOPS"); both counts are shown, each named.
  const columns: [string, number][] = [
    ['architecture', 18],
    ['trainable', 10],
    ['+BN stats', 10],
    ['size fp32', 10],
    ['MACs', 10],
    ['FLOPs', 10],
  ];
  console.log(columns.map(([name, w], i) => (i === 0 ? name.padEnd(w) : name.padStart(w))).join(' '));
  for (const r of rows) {
    const cells = [human(r.trainableParams), human(r.params), human(r.bytes, 'B'), human(r.macs), human(r.flops)];
    console.log([r.architecture.padEnd(18), ...cells.map((c, i) => c.padStart(columns[i + 1][1]))].join(' '));
  }
  console.log('trainable: parameters the optimizer updates (what PyTorch counts); +BN stats: every stored weight, batch-norm running means');
  console.log('and variances included; MACs: multiply-accumulates per image (the "FLOPs" most papers quote); FLOPs: 2 x MACs.');
}
