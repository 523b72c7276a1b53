import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { architectures } from '../spec/runSpec.ts';
import type { Architecture, ModelSpec, TaskSpec } from '../spec/runSpec.ts';
import { relativeError } from '../util/relativeError.ts';
import { BACKBONE_BLOCKS } from './backboneBlocks.ts';
import { buildModel, minInputSize } from './buildModel.ts';
import { FACE_RECOGNITION_MIN_INPUT } from './faceRecognitionNet.ts';
import { modelCost } from './modelCost.ts';

// Tiny on purpose: the CPU backend runs every forward pass here.
const SIZE = 32;
const WIDTH = 0.25;
const BATCH = 2;
const CLASSES = 5;
const EMBEDDING = 16;

/** dlib's face network has no output below 103 px (below it an unpadded stride-2 window no longer fits); the rest of the zoo runs at 32. */
function sizeFor(architecture: Architecture): number {
  return architecture === 'faceRecognitionNet' ? FACE_RECOGNITION_MIN_INPUT : SIZE;
}

function modelSpec(architecture: Architecture, over: Partial<ModelSpec> = {}): ModelSpec {
  return {
    architecture,
    width: WIDTH,
    inputSize: sizeFor(architecture),
    head: { hidden: [], dropout: 0, batchNorm: false, activation: 'relu' },
    embeddingSize: EMBEDDING,
    frozenLayers: 0,
    ...over,
  };
}

function build(architecture: Architecture, task: TaskSpec, over: Partial<ModelSpec> = {}, seed = 1, channels: 1 | 3 = 3) {
  return buildModel({ model: modelSpec(architecture, over), channels, task, numClasses: CLASSES, seed, convention: 'torchvision' });
}

const CLASSIFICATION: TaskSpec = { kind: 'classification' };

/** The model through tfjs' own save and load, in memory: what an exported model.json gives back. */
async function saveAndLoad(model: tfl.LayersModel): Promise<tfl.LayersModel> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return tfl.loadLayersModel(tf.io.fromMemory(artifacts!));
}
const EMBED: TaskSpec = { kind: 'embedding' };
const DETECTION: TaskSpec = { kind: 'detection', confidenceThreshold: 0.9 };

function input(channels = 3, seed = 5, size = SIZE): tf.Tensor4D {
  return tf.randomUniform([BATCH, size, size, channels], 0, 1, 'float32', seed);
}

function outputsOf(model: tfl.LayersModel, x: tf.Tensor, training: boolean): tf.Tensor[] {
  const out = model.apply(x, { training }) as tf.Tensor | tf.Tensor[];
  return Array.isArray(out) ? out : [out];
}

describe('buildModel: every architecture and task', () => {
  describe.each(architectures)('%s', (architecture) => {
    it.each([CLASSIFICATION, EMBED, DETECTION])('builds for $kind with the right output shapes', (task) => {
      const model = build(architecture, task, { head: { hidden: [], dropout: 0.1, batchNorm: false, activation: 'relu' } });
      const x = input(3, 5, sizeFor(architecture));
      const before = tf.memory().numTensors;
      const values = tf.tidy(() =>
        outputsOf(model, x, true).map((t) => ({ shape: t.shape, data: Array.from(t.dataSync()) })),
      );
      expect(tf.memory().numTensors).toBe(before);
      expect(model.inputs[0].shape).toEqual([null, sizeFor(architecture), sizeFor(architecture), 3]);
      for (const v of values) expect(v.data.every(Number.isFinite)).toBe(true);
      if (task.kind === 'classification') {
        expect(values.map((v) => v.shape)).toEqual([[BATCH, CLASSES]]);
      } else if (task.kind === 'embedding') {
        expect(values.map((v) => v.shape)).toEqual([[BATCH, EMBEDDING]]);
        for (let b = 0; b < BATCH; b++) {
          const row = values[0].data.slice(b * EMBEDDING, (b + 1) * EMBEDDING);
          expect(Math.hypot(...row)).toBeCloseTo(1, 5);
        }
      } else {
        expect(values.map((v) => v.shape)).toEqual([
          [BATCH, CLASSES],
          [BATCH, 4],
        ]);
        expect(values[1].data.every((b) => b > 0 && b < 1)).toBe(true);
      }
      x.dispose();
      model.dispose();
    });
  });

  it.each(['mlp', 'resnet18', 'iresnet18Lite', 'mobilenetV3Small'] as const)('%s takes one-channel input', (architecture) => {
    const model = build(architecture, CLASSIFICATION, {}, 1, 1);
    const x = input(1);
    const shape = tf.tidy(() => outputsOf(model, x, false)[0].shape);
    expect(model.inputs[0].shape).toEqual([null, SIZE, SIZE, 1]);
    expect(shape).toEqual([BATCH, CLASSES]);
    x.dispose();
    model.dispose();
  });
});

describe('buildModel: gradients', () => {
  const small: [Architecture, TaskSpec][] = [
    ['mlp', CLASSIFICATION],
    ['smallCnn', DETECTION],
    ['mobilenetV2', CLASSIFICATION],
    ['mobilenetV3Small', CLASSIFICATION],
    ['efficientnetB0', EMBED],
    ['resnet18', CLASSIFICATION],
    ['iresnet18Lite', EMBED],
    ['faceRecognitionNet', EMBED],
  ];
  it.each(small)('%s (%o): forward + backward gives a finite gradient for every trainable weight', (architecture, task) => {
    const model = build(architecture, task, { head: { hidden: [12], dropout: 0.2, batchNorm: true, activation: 'leakyRelu' } });
    const x = input(3, 5, sizeFor(architecture));
    const labels = tf.oneHot(tf.tensor1d([1, 3], 'int32'), CLASSES);
    const target = tf.tensor2d([0.2, 0.3, 0.6, 0.7, 0.1, 0.1, 0.9, 0.5], [BATCH, 4]);
    const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const before = tf.memory().numTensors;
    const norms = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => {
        const out = outputsOf(model, x, true);
        if (task.kind === 'embedding') return tf.neg(tf.sum(tf.mul(tf.slice(out[0], [0, 0], [1, -1]), tf.slice(out[0], [1, 0], [1, -1])))) as tf.Scalar;
        const ce = tf.losses.softmaxCrossEntropy(labels, out[0]);
        return (task.kind === 'detection' ? tf.add(ce, tf.losses.meanSquaredError(target, out[1])) : ce) as tf.Scalar;
      }, variables);
      expect(Number.isFinite(value.dataSync()[0])).toBe(true);
      expect(Object.keys(grads).length).toBe(variables.length);
      return variables.map((v) => {
        const g = grads[v.name];
        expect(g.dataSync().every(Number.isFinite)).toBe(true);
        return tf.norm(g).dataSync()[0];
      });
    });
    expect(tf.memory().numTensors).toBe(before);
    // Every kernel is on the path to the loss.
    expect(norms.filter((n) => n > 0).length).toBeGreaterThan(norms.length / 2);
    tf.dispose([x, labels, target]);
    model.dispose();
  });
});

describe('buildModel: determinism and names', () => {
  function weightsOf(model: tfl.LayersModel): Map<string, Float32Array> {
    return new Map(model.weights.map((w) => [w.originalName, w.read().dataSync() as Float32Array]));
  }

  it.each(['resnet18', 'mobilenetV3Small', 'iresnet18Lite'] as const)('%s: the same seed gives bit-identical weights, another seed other weights', (architecture) => {
    const a = build(architecture, DETECTION, {}, 7);
    const b = build(architecture, DETECTION, {}, 7);
    const c = build(architecture, DETECTION, {}, 8);
    const [wa, wb, wc] = [a, b, c].map(weightsOf);
    expect([...wa.keys()]).toEqual([...wb.keys()]);
    for (const [name, values] of wa) expect(wb.get(name), name).toEqual(values);
    const kernels = [...wa.keys()].filter((n) => n.endsWith('/kernel'));
    expect(kernels.some((n) => !wa.get(n)!.every((v, i) => v === wc.get(n)![i]))).toBe(true);
    [a, b, c].forEach((m) => m.dispose());
  });

  it('dropout masks follow the seed and change from step to step', () => {
    const head = { hidden: [64], dropout: 0.5, batchNorm: false, activation: 'relu' as const };
    const a = build('mlp', CLASSIFICATION, { head }, 3);
    const b = build('mlp', CLASSIFICATION, { head }, 3);
    const x = input();
    const run = (m: tfl.LayersModel, training: boolean) => tf.tidy(() => Array.from(outputsOf(m, x, training)[0].dataSync()));
    const a1 = run(a, true);
    const a2 = run(a, true);
    expect(run(b, true)).toEqual(a1);
    expect(run(b, true)).toEqual(a2);
    expect(a2).not.toEqual(a1);
    expect(run(a, false)).toEqual(run(a, false));
    tf.dispose(x);
    [a, b].forEach((m) => m.dispose());
  });

  it('names layers by their place in the network', () => {
    const model = build('resnet18', DETECTION);
    const names = model.layers.map((l) => l.name);
    for (const n of ['input', 'stem_conv', 'stem_bn', 'stage2_block1_conv1', 'stage2_block1_down_conv', 'stage4_block2_out', 'class_logits', 'box'])
      expect(names).toContain(n);
    expect(model.outputNames).toEqual(['class_logits', 'box']);
    expect(model.weights.map((w) => w.originalName)).toContain('stage2_block1_conv1/kernel');
    model.dispose();
  });
});

describe('buildModel: heads and freezing', () => {
  it('IResNet ends in its own embedding: no second embedding layer, and its scale stays fixed', () => {
    const model = build('iresnet18Lite', EMBED);
    const names = model.layers.map((l) => l.name);
    expect(names.filter((n) => n.startsWith('embedding'))).toEqual(['embedding_fc', 'embedding_bn', 'embedding']);
    expect(model.trainableWeights.map((w) => w.originalName)).not.toContain('embedding_bn/gamma');
    model.dispose();
  });

  it('faceRecognitionNet ends in its own 128-d embedding (no bias, no second embedding) and refuses inputs it has no output for', () => {
    const model = build('faceRecognitionNet', EMBED, { width: 1, embeddingSize: undefined, inputSize: 150 });
    const names = model.layers.map((l) => l.name);
    expect(names.slice(-4)).toEqual(['stage4_block4_out', 'avg_pool', 'embedding_fc', 'embedding']);
    expect(model.getLayer('embedding_fc').weights.map((w) => w.originalName)).toEqual(['embedding_fc/kernel']);
    expect(model.outputs[0].shape).toEqual([null, 128]);
    // dlib's map sizes at 150 px: 72 after the stem, 35 after its pool, then 17, 8, 4, 2.
    expect(['stem_conv', 'stem_pool', 'stage2_block1_out', 'stage3_block1_out', 'stage4_block1_out', 'stage4_block4_out'].map((n) => model.getLayer(n).outputShape[1])).toEqual([72, 35, 17, 8, 4, 2]);
    model.dispose();
    const before = tf.memory().numTensors;
    expect(() => build('faceRecognitionNet', EMBED, { inputSize: 102 })).toThrow(/faceRecognitionNet needs inputSize >= 103/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a custom head stacks hidden dense + BN + activation + dropout before the logits', () => {
    const head = { hidden: [32, 16], dropout: 0.3, batchNorm: true, activation: 'gelu' as const };
    const model = build('resnet18', CLASSIFICATION, { head });
    const tail = model.layers.slice(-10).map((l) => l.name);
    expect(tail).toEqual([
      'avg_pool',
      'head_dense1',
      'head_dense1_bn',
      'head_dense1_gelu',
      'head_dense1_dropout',
      'head_dense2',
      'head_dense2_bn',
      'head_dense2_gelu',
      'head_dense2_dropout',
      'logits',
    ]);
    expect(model.getLayer('logits').outputShape).toEqual([null, CLASSES]);
    model.dispose();
  });

  it('freezes exactly the first N backbone blocks, as torchvision numbers them', () => {
    const frozen = build('resnet18', CLASSIFICATION, { frozenLayers: 2 });
    // Block 0 is the stem (conv1, bn1), block 1 torchvision's layer1[0].
    for (const name of ['stem_conv', 'stem_bn', 'stage1_block1_conv1', 'stage1_block1_bn2']) expect(frozen.getLayer(name).trainable, name).toBe(false);
    for (const name of ['stage1_block2_conv1', 'stage4_block2_bn2', 'logits']) expect(frozen.getLayer(name).trainable, name).toBe(true);
    frozen.dispose();
    for (const architecture of architectures) {
      const { count } = BACKBONE_BLOCKS[architecture];
      const before = tf.memory().numTensors;
      const over = { frozenLayers: count + 1, inputSize: Math.max(SIZE, minInputSize(architecture)) };
      expect(() => build(architecture, CLASSIFICATION, over), architecture).toThrow(`model.frozenLayers is ${count + 1} but the ${architecture} backbone has ${count} blocks`);
      expect(tf.memory().numTensors).toBe(before);
      const whole = build(architecture, CLASSIFICATION, { ...over, frozenLayers: count });
      // The whole backbone frozen: only the head trains.
      expect(whole.layers.filter((l) => l.trainable && l.weights.length > 0).every((l) => /logits|classifier|fc\d|embedding|head_/.test(l.name)), architecture).toBe(true);
      whole.dispose();
    }
  });

  it('runs frozen batch norms on their running statistics, and leaves them alone', () => {
    const stats = (m: ReturnType<typeof build>, layer: string) => m.getLayer(layer).getWeights().map((w) => Array.from(w.dataSync()));
    const x = tf.randomNormal([4, SIZE, SIZE, 3], 0, 1, 'float32', 3);
    for (const frozenBatchNorm of ['inference', 'train'] as const) {
      const m = buildModel({ model: modelSpec('resnet18', { frozenLayers: 1 }), channels: 3, task: CLASSIFICATION, numClasses: CLASSES, seed: 1, convention: 'torchvision', freezing: { frozenUnit: 'blocks', frozenBatchNorm } });
      const before = stats(m, 'stem_bn');
      // The frozen stem's output in a training pass is its output in inference (or not).
      const stem = tfl.model({ inputs: m.inputs, outputs: m.getLayer('stem_bn').output as tfl.SymbolicTensor });
      const gap = tf.tidy(() => relativeError((stem.apply(x, { training: true }) as tf.Tensor).dataSync(), (stem.predict(x) as tf.Tensor).dataSync()));
      const after = stats(m, 'stem_bn');
      if (frozenBatchNorm === 'inference') {
        expect(after).toEqual(before);
        expect(gap).toBe(0);
      } else {
        expect(after).not.toEqual(before);
        expect(gap).toBeGreaterThan(1e-3);
      }
      m.dispose();
    }
    x.dispose();
  });

  it('counts layers, as Keras does, for version-1 specs', () => {
    const full = build('resnet18', CLASSIFICATION);
    const frozen = buildModel({ model: modelSpec('resnet18', { frozenLayers: 7 }), channels: 3, task: CLASSIFICATION, numClasses: CLASSES, seed: 1, convention: 'torchvision', freezing: { frozenUnit: 'layers', frozenBatchNorm: 'train' } });
    // The torchvision convention pads the strided stem and pool in layers of their own, which count as Keras counts its ZeroPadding2D.
    const firstFive = ['stem_conv_pad', 'stem_conv', 'stem_bn', 'stem_relu', 'stem_pool_pad', 'stem_pool', 'stage1_block1_conv1'];
    for (const name of firstFive) expect(frozen.getLayer(name).trainable).toBe(false);
    expect(frozen.getLayer('stage1_block1_bn1').trainable).toBe(true);
    const frozenParams = firstFive.flatMap((n) => full.getLayer(n).trainableWeights).reduce((s, w) => s + w.shape.reduce<number>((a, d) => a * (d ?? 1), 1), 0);
    expect(modelCost(full).trainableParams - modelCost(frozen).trainableParams).toBe(frozenParams);
    expect(modelCost(frozen).params).toBe(modelCost(full).params);
    [full, frozen].forEach((m) => m.dispose());
  });

  it('rejects impossible requests without leaking tensors', () => {
    const before = tf.memory().numTensors;
    expect(() => build('mlp', CLASSIFICATION, { frozenLayers: 99 })).toThrow(/frozenLayers is 99 but the mlp backbone has 2 blocks/);
    expect(() => build('vgg16', CLASSIFICATION, { inputSize: 16 })).toThrow(/vgg16 needs inputSize >= 32/);
    expect(() => buildModel({ model: modelSpec('mlp'), channels: 3, task: CLASSIFICATION, numClasses: 0, seed: 1, convention: 'torchvision' })).toThrow(/numClasses/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('building and disposing in a loop keeps the tensor count flat', () => {
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) build('mobilenetV2', DETECTION, {}, i).dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('buildModel: saved models load again', () => {
  it('round-trips faceRecognitionNet (channel affine, channel zero-padding) through tfjs save/load', async () => {
    const model = build('faceRecognitionNet', EMBED);
    for (const w of model.weights) {
      const t = tf.randomUniform(w.shape as number[], 0.5, 1.5, 'float32', 3);
      w.write(t);
      t.dispose();
    }
    const loaded = await saveAndLoad(model);
    expect(loaded.layers.map((l) => l.getClassName())).toEqual(expect.arrayContaining(['ChannelAffine', 'ChannelZeroPad', 'AveragePooling2D', 'ZeroPadding2D']));
    const x = input(3, 5, FACE_RECOGNITION_MIN_INPUT);
    const [y0, y1] = tf.tidy(() => [model, loaded].map((m) => Array.from(outputsOf(m, x, false)[0].dataSync())));
    expect(y1).toEqual(y0);
    x.dispose();
    [model, loaded].forEach((m) => m.dispose());
  });

  it('round-trips the custom layers (hard activations, seeded dropout, L2 normalize) through tfjs save/load', async () => {
    const head = { hidden: [8], dropout: 0.2, batchNorm: false, activation: 'relu' as const };
    const model = build('mobilenetV3Small', EMBED, { head });
    const loaded = await saveAndLoad(model);
    expect(loaded.layers.map((l) => l.getClassName())).toEqual(model.layers.map((l) => l.getClassName()));
    expect(loaded.layers.map((l) => l.getClassName())).toEqual(expect.arrayContaining(['HardSwish', 'HardSigmoid', 'SeededDropout', 'L2Normalize']));
    const x = input();
    const [y0, y1] = tf.tidy(() => [model, loaded].map((m) => Array.from(outputsOf(m, x, false)[0].dataSync())));
    expect(y1).toEqual(y0);
    x.dispose();
    [model, loaded].forEach((m) => m.dispose());
  });
});
