import type * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, describe, expect, it } from 'vitest';
import { buildModel } from '../models/buildModel.ts';
import type { Architecture, ModelSpec, TaskSpec } from '../spec/runSpec.ts';
import { faceApiWeightName } from './faceApiWeightName.ts';
import { importFaceApiWeights } from './importFaceApiWeights.ts';
import { describeWeightLoadReport } from './importNamedWeights.ts';
import type { TfjsWeight } from './tfjsWeightsManifest.ts';

// The importer against a file in face-api's naming made from another model's weights (so
// every loaded value can be checked); test/faceApiParity.test.ts imports face-api's real file.

const models: tfl.LayersModel[] = [];
afterAll(() => models.forEach((m) => m.dispose()));

function build(over: Partial<ModelSpec> = {}, seed = 1, task: TaskSpec = { kind: 'embedding' }, architecture: Architecture = 'faceRecognitionNet'): tfl.LayersModel {
  const model = buildModel({
    model: { architecture, width: 1, inputSize: 103, head: { hidden: [], dropout: 0, batchNorm: false, activation: 'relu' }, frozenLayers: 0, embeddingSize: 128, ...over },
    channels: 3,
    task,
    numClasses: 3,
    seed,
    convention: 'torchvision',
  });
  models.push(model);
  return model;
}

/** face-api's names for every weight of `model`, with its values. */
function faceApiFile(model: tfl.LayersModel): Map<string, TfjsWeight> {
  const file = new Map<string, TfjsWeight>();
  for (const layer of model.layers) {
    const module = faceApiWeightName(layer.name);
    if (!module) continue;
    for (const w of layer.weights) {
      const suffix = module.weights[w.originalName.split('/').pop()!];
      file.set(suffix ? `${module.prefix}/${suffix}` : module.prefix, { shape: [...w.shape] as number[], data: w.read().dataSync() as Float32Array });
    }
  }
  return file;
}

const values = (model: tfl.LayersModel) => new Map(model.weights.map((w) => [w.originalName, w.read().dataSync() as Float32Array]));

/** Names of the weights whose values differ (a loop: deep equality on 5.6M floats is slow). */
function differing(a: Map<string, Float32Array>, b: Map<string, Float32Array>): string[] {
  return [...a].filter(([name, x]) => {
    const y = b.get(name);
    return !y || y.length !== x.length || x.some((v, i) => v !== y[i]);
  }).map(([name]) => name);
}

describe('importFaceApiWeights', () => {
  const source = build({}, 2);
  const file = faceApiFile(source);

  it('loads every weight by face-api’s name, face-api’s 117 tensors', () => {
    const model = build();
    const report = importFaceApiWeights(model, file);
    expect(file.size).toBe(117);
    expect(report.loaded.length).toBe(117);
    expect(report.fresh).toEqual([]);
    expect(report.unused).toEqual([]);
    expect(report.loaded).toContainEqual({ weight: 'stem_conv/kernel', from: 'conv32_down/conv/filters' });
    expect(report.loaded).toContainEqual({ weight: 'stage2_block1_scale2/beta', from: 'conv64_down/conv2/scale/biases' });
    expect(report.loaded).toContainEqual({ weight: 'stage2_block2_conv1/bias', from: 'conv64_1/conv1/conv/bias' });
    expect(report.loaded).toContainEqual({ weight: 'stage4_block4_conv2/kernel', from: 'conv256_down_out/conv2/conv/filters' });
    expect(report.loaded).toContainEqual({ weight: 'embedding_fc/kernel', from: 'fc' });
    expect(differing(values(model), values(source))).toEqual([]);
    expect(describeWeightLoadReport(report)).toEqual(['loaded 117 tensors into faceRecognitionNet (face-api names)']);
  });

  it('leaves an embedding of another width and a classifier fresh, saying why', () => {
    const wide = importFaceApiWeights(build({ embeddingSize: 64 }), file);
    expect(wide.loaded.length).toBe(116);
    expect(wide.fresh).toEqual([{ weight: 'embedding_fc/kernel', reason: "new embedding: the file's fc is [256, 128], this model needs [256, 64]" }]);
    const classifier = importFaceApiWeights(build({}, 1, { kind: 'classification' }), file);
    expect(classifier.loaded.length).toBe(117);
    expect(classifier.fresh.map((f) => f.weight)).toEqual(['logits/kernel', 'logits/bias']);
    expect(classifier.fresh[0].reason).toBe("not part of face-api's face recognition network (the studio's own head)");
  });

  it('refuses a file missing a backbone tensor, another width and another architecture, writing nothing', () => {
    const model = build({}, 3);
    const before = values(model);
    const gap = new Map(file);
    gap.delete('conv64_down/conv1/conv/filters');
    expect(() => importFaceApiWeights(model, gap)).toThrow("the file does not hold all of faceRecognitionNet's backbone, so nothing was loaded: conv64_down/conv1/conv/filters is missing");
    const bent = new Map(file);
    bent.set('conv128_1/conv2/scale/weights', { shape: [64], data: new Float32Array(64) });
    expect(() => importFaceApiWeights(model, bent)).toThrow('conv128_1/conv2/scale/weights is [64] where stage3_block2_scale2/gamma needs [128]');
    expect(() => importFaceApiWeights(build({ width: 0.5 }), file)).toThrow(/^these weights are not face-api's face recognition model: only 0 of the 116 backbone weights were found with the right shape; .* \(pretrained weights need model.width 1\)$/);
    expect(() => importFaceApiWeights(model, new Map())).toThrow("these weights are not face-api's face recognition model: it holds no weights");
    expect(() => importFaceApiWeights(build({ inputSize: 32 }, 1, { kind: 'embedding' }, 'iresnet18Lite'), file)).toThrow("face-api's weights are for faceRecognitionNet or faceExpressionNet, not iresnet18Lite");
    expect(differing(values(model), before)).toEqual([]);
    // Its 30 kernels (29 convolutions and the fc, drawn from another seed) still differ from the file's.
    expect(differing(values(model), values(source)).length).toBe(30);
  });
});
