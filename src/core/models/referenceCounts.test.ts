import { describe, expect, it } from 'vitest';
import type { Architecture, ModelSpec, TaskSpec } from '../spec/runSpec.ts';
import { buildModel } from './buildModel.ts';
import { modelCost } from './modelCost.ts';
import type { ModelCost } from './modelCost.ts';

// The large models are only built and measured here, never run: no forward pass.

function costAt(architecture: Architecture, inputSize: number, task: TaskSpec, numClasses: number): ModelCost {
  const model: ModelSpec = {
    architecture,
    width: 1,
    inputSize,
    head: { hidden: [], dropout: 0, batchNorm: false, activation: 'relu' },
    embeddingSize: 512,
    frozenLayers: 0,
  };
  const built = buildModel({ model, channels: 3, task, numClasses, seed: 0, convention: 'torchvision' });
  try {
    return modelCost(built);
  } finally {
    built.dispose();
  }
}

// reference: test/reference/models_torchvision.py, torchvision 0.14 model definitions
// (num_classes=1000): sum of p.numel() over parameters, and Conv2d + Linear MACs at
// 224x224 from forward hooks. The parameter counts are also torchvision's documented ones.
const TORCHVISION: [Architecture, string, number, number][] = [
  ['resnet18', 'resnet18', 11_689_512, 1_814_073_344],
  ['resnet34', 'resnet34', 21_797_672, 3_663_761_408],
  ['resnet50', 'resnet50', 25_557_032, 4_089_184_256],
  ['mobilenetV2', 'mobilenet_v2', 3_504_872, 300_774_272],
  ['vgg16', 'vgg16', 138_357_544, 15_470_264_320],
  ['efficientnetB0', 'efficientnet_b0', 5_288_548, 385_814_752],
  ['mobilenetV3Small', 'mobilenet_v3_small', 2_542_856, 56_510_400],
];

describe('the zoo against torchvision (width 1, 224x224x3, 1000 classes, reference classifier)', () => {
  it.each(TORCHVISION)('%s has torchvision %s\'s trainable parameters and MACs', (architecture, _name, params, macs) => {
    const cost = costAt(architecture, 224, { kind: 'classification' }, 1000);
    expect(cost.trainableParams).toBe(params);
    expect(cost.macs).toBe(macs);
    expect(cost.flops).toBe(2 * macs);
    expect(cost.bytes).toBe(4 * cost.params);
  });

  it('resnet18 costs ~1.82 G MACs, torchvision\'s documented 1.81 "GFLOPS"', () => {
    // reference: torchvision model docs list ResNet18_Weights.IMAGENET1K_V1 at 1.81 GFLOPS (MACs).
    const { macs } = costAt('resnet18', 224, { kind: 'classification' }, 1000);
    expect(Math.abs(macs - 1.82e9) / 1.82e9).toBeLessThan(0.02);
  });
});

// reference: test/reference/models_iresnet.py, a torch re-implementation of insightface's
// iresnet (512-d embedding, 112x112x3). `trainable` leaves out the embedding BN's weight,
// which insightface freezes; `params` is torch's full count (43.6M for iresnet50, seed 003).
const IRESNET: [Architecture, number, number, number][] = [
  ['iresnet18', 24_025_600, 24_025_088, 2_609_954_816],
  ['iresnet34', 34_139_328, 34_138_816, 4_459_642_880],
  ['iresnet50', 43_590_848, 43_590_336, 6_309_330_944],
  ['iresnet18Lite', 9_223_168, 9_222_656, 661_118_976],
  ['iresnet34Lite', 11_754_848, 11_754_336, 1_123_540_992],
  ['iresnet50Lite', 14_121_312, 14_120_800, 1_585_963_008],
];
const EMBEDDING_BN_SCALE = 512;

// Seed 003's table: parameters (M) and "GFLOPs" (multiply-accumulates) at 112x112.
const SEED_003: Partial<Record<Architecture, [number, number]>> = {
  iresnet18: [24.0, 2.63],
  iresnet34: [34.1, 4.48],
  iresnet50: [43.6, 6.33],
  iresnet18Lite: [9.2, 0.67],
  iresnet34Lite: [11.8, 1.13],
  iresnet50Lite: [14.1, 1.6],
};

describe('IResNet and IResNet-Lite (112x112x3, 512-d embedding)', () => {
  it.each(IRESNET)('%s matches the torch re-implementation and seed 003\'s table', (architecture, torchParams, trainable, macs) => {
    const cost = costAt(architecture, 112, { kind: 'embedding' }, 1000);
    expect(cost.trainableParams).toBe(trainable);
    expect(cost.trainableParams + EMBEDDING_BN_SCALE).toBe(torchParams);
    expect(cost.macs).toBe(macs);
    const [seedParamsM, seedGMacs] = SEED_003[architecture]!;
    expect(Math.round(torchParams / 1e5) / 10).toBe(seedParamsM);
    expect(Math.abs(cost.macs / 1e9 - seedGMacs) / seedGMacs).toBeLessThan(0.02);
  });
});

// reference: test/reference/models_face_recognition.py: face-api.js' weights manifest holds
// 5,614,592 values (every one a trainable weight of the zoo's model), and dlib's layer shapes
// give 270,854,144 multiply-accumulates at 150x150 (final map 2x2).
describe('faceRecognitionNet (dlib / face-api.js, 150x150x3, 128-d descriptor)', () => {
  it('has face-api’s parameter count and dlib’s MACs', () => {
    const built = buildModel({
      model: { architecture: 'faceRecognitionNet', width: 1, inputSize: 150, head: { hidden: [], dropout: 0, batchNorm: false, activation: 'relu' }, embeddingSize: 128, frozenLayers: 0 },
      channels: 3,
      task: { kind: 'embedding' },
      numClasses: 2,
      seed: 0,
      convention: 'torchvision',
    });
    try {
      const cost = modelCost(built);
      expect(cost.params).toBe(5_614_592);
      expect(cost.trainableParams).toBe(5_614_592);
      expect(cost.macs).toBe(270_854_144);
    } finally {
      built.dispose();
    }
  });
});
