import * as tfl from '@tensorflow/tfjs-layers';
import type { Architecture, ModelConvention, ModelSemantics, ModelSpec, TaskSpec } from '../spec/runSpec.ts';
import { freezeBatchNormStatistics } from './batchNormTraining.ts';
import type { BackboneBuilder } from './backbone.ts';
import { efficientnetB0 } from './efficientnetB0.ts';
import { faceExpressionNet } from './faceExpressionNet.ts';
import { FACE_RECOGNITION_EMBEDDING, FACE_RECOGNITION_MIN_INPUT, faceRecognitionNet } from './faceRecognitionNet.ts';
import { classifierHead, detectionHeads, embeddingHead } from './heads.ts';
import { iresnet18, iresnet18Lite, iresnet34, iresnet34Lite, iresnet50, iresnet50Lite } from './iresnet.ts';
import { LayerFactory } from './layerFactory.ts';
import type { SymbolicTensor } from './layerFactory.ts';
import { mlp } from './mlp.ts';
import { mobilenetV2 } from './mobilenetV2.ts';
import { mobilenetV3Small } from './mobilenetV3Small.ts';
import { resnet18, resnet34, resnet50 } from './resnet.ts';
import { smallCnn } from './smallCnn.ts';
import { VGG16_MIN_INPUT, vgg16 } from './vgg16.ts';

/** The backbone's layer names of each model built here (what `backboneLrFactor` applies to). */
const backbones = new WeakMap<tfl.LayersModel, Set<string>>();

/** Whether a layer of a model buildModel made belongs to its backbone (not its head). */
export function isBackboneLayer(model: tfl.LayersModel, layerName: string): boolean {
  return backbones.get(model)?.has(layerName) ?? false;
}

const BACKBONES: Record<Architecture, BackboneBuilder> = {
  mlp,
  smallCnn,
  mobilenetV2,
  mobilenetV3Small,
  resnet18,
  resnet34,
  resnet50,
  efficientnetB0,
  vgg16,
  iresnet18,
  iresnet34,
  iresnet50,
  iresnet18Lite,
  iresnet34Lite,
  iresnet50Lite,
  faceRecognitionNet,
  faceExpressionNet,
};

/** insightface's embedding width, used where a spec leaves embeddingSize out (classification on IResNet). */
const DEFAULT_EMBEDDING_SIZE = 512;
/** Networks whose pretrained embedding has another width keep it by default, so their weights load whole. */
const EMBEDDING_SIZE_OF: Partial<Record<Architecture, number>> = { faceRecognitionNet: FACE_RECOGNITION_EMBEDDING };

/** Architectures that have no output below some input size (their builders refuse it). */
const MIN_INPUT: Partial<Record<Architecture, number>> = { vgg16: VGG16_MIN_INPUT, faceRecognitionNet: FACE_RECOGNITION_MIN_INPUT };

/** The smallest inputSize an architecture builds at (1 where any size works). */
export function minInputSize(architecture: Architecture): number {
  return MIN_INPUT[architecture] ?? 1;
}

export interface BuildModelOptions {
  model: ModelSpec;
  channels: 1 | 3;
  task: TaskSpec;
  numClasses: number;
  /** Every initializer and dropout seed is drawn from this one number. */
  seed: number;
  /** How the layers compute (`modelConvention(spec)`): PyTorch's function, or the zoo's before spec version 2. */
  convention: ModelConvention;
  /** What `frozenLayers` counts and what frozen batch norms do (`modelSemantics(spec)`); blocks and inference if left out. */
  freezing?: Pick<ModelSemantics, 'frozenUnit' | 'frozenBatchNorm'>;
}

/**
 * Builds a model of the zoo for a task, input `[inputSize, inputSize, channels]` (NHWC):
 * - classification: logits `[B, numClasses]`;
 * - embedding: L2-normalized embeddings `[B, embeddingSize]`;
 * - detection: `[class logits [B, numClasses], box [B, 4] in (0, 1)]`.
 * The first `model.frozenLayers` blocks of the backbone (`backboneBlocks`: the stem, then
 * each residual / inverted-residual block, as torchvision numbers `features`) are not
 * trainable, and their batch norms run on their running statistics unless
 * `frozenBatchNorm` is `train`. Version-1 specs count layers instead, in the order the
 * builder made them (the input layer not counted; a layer without weights counts as in
 * Keras' `model.layers[:N]`), their batch norms training on.
 */
export function buildModel(opts: BuildModelOptions): tfl.LayersModel {
  const { model: spec, task, numClasses } = opts;
  if (!Number.isInteger(numClasses) || numClasses < 1) throw new Error(`numClasses must be a positive integer, got ${numClasses}`);
  if (!(spec.width > 0)) throw new Error(`model.width must be > 0, got ${spec.width}`);
  const f = new LayerFactory(opts.seed, spec.width, opts.convention);
  const input = tfl.input({ shape: [spec.inputSize, spec.inputSize, opts.channels], name: 'input' });
  const embeddingSize = spec.embeddingSize ?? EMBEDDING_SIZE_OF[spec.architecture] ?? DEFAULT_EMBEDDING_SIZE;
  const backbone = BACKBONES[spec.architecture](f, input, {
    embeddingSize,
    dropout: spec.head.dropout,
  });
  const backboneLayers = f.layers.slice();

  let outputs: SymbolicTensor | SymbolicTensor[];
  switch (task.kind) {
    case 'classification':
      outputs = classifierHead(f, backbone, spec.head, numClasses);
      break;
    case 'embedding':
      outputs = embeddingHead(f, backbone, spec.head, embeddingSize);
      break;
    case 'detection':
      outputs = detectionHeads(f, backbone, spec.head, numClasses);
      break;
    default: {
      const never: never = task;
      throw new Error(`unknown task ${JSON.stringify(never)}`);
    }
  }
  const model = tfl.model({ inputs: input, outputs, name: spec.architecture });

  const freezing = opts.freezing ?? { frozenUnit: 'blocks', frozenBatchNorm: 'inference' };
  const count = freezing.frozenUnit === 'blocks' ? f.blocks.length : backboneLayers.length;
  if (spec.frozenLayers > count) {
    model.dispose();
    throw new Error(`model.frozenLayers is ${spec.frozenLayers} but the ${spec.architecture} backbone has ${count} ${freezing.frozenUnit}`);
  }
  const frozen =
    freezing.frozenUnit === 'blocks'
      ? backboneLayers.filter((layer) => (f.blockOf.get(layer) ?? Infinity) < spec.frozenLayers)
      : backboneLayers.slice(0, spec.frozenLayers);
  backbones.set(model, new Set(backboneLayers.map((l) => l.name)));
  for (const layer of frozen) {
    layer.trainable = false;
    if (freezing.frozenBatchNorm === 'inference' && layer.getClassName() === 'BatchNormalization') freezeBatchNormStatistics(layer);
  }
  return model;
}
