import { architectures } from '../spec/runSpec.ts';
import type { Architecture } from '../spec/runSpec.ts';
import { buildModel, minInputSize } from './buildModel.ts';
import { modelCost } from './modelCost.ts';

export interface ZooRow {
  architecture: Architecture;
  params: number;
  trainableParams: number;
  bytes: number;
  macs: number;
  flops: number;
}

export interface ZooTableOptions {
  inputSize: number;
  channels: 1 | 3;
  numClasses: number;
  width?: number;
}

/**
 * The cost of every architecture as a classifier with its reference head (seed 003's
 * table of params / size / FLOPs). Each model is built, measured and disposed before
 * the next, so even the large ones pass through one at a time. An architecture with no
 * output at this input size (`minInputSize`: dlib's face network below 103 px) is left out.
 */
export function zooTable(opts: ZooTableOptions): ZooRow[] {
  return architectures.filter((architecture) => opts.inputSize >= minInputSize(architecture)).map((architecture) => {
    const model = buildModel({
      model: {
        architecture,
        width: opts.width ?? 1,
        inputSize: opts.inputSize,
        head: { hidden: [], dropout: 0, batchNorm: false, activation: 'relu' },
        frozenLayers: 0,
      },
      channels: opts.channels,
      task: { kind: 'classification' },
      numClasses: opts.numClasses,
      seed: 0,
      convention: 'torchvision',
    });
    try {
      return { architecture, ...modelCost(model) };
    } finally {
      model.dispose();
    }
  });
}
