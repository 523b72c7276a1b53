import { architectures, type Architecture, type RunSpecInput } from '../../../core/spec/runSpec.ts';

export interface ModelInfo {
  architecture: Architecture;
  title: string;
  family: 'baseline' | 'mobile' | 'resnet' | 'face' | 'classic';
  /** One line: what it is and what it is good for here. */
  description: string;
  /** Seed workflows (examples/000–004) or the shapes demo that use it. */
  seeds: string[];
  /** Smallest input offered for it (five stride-2 stages need 32 px). */
  minInput: number;
}

const DESCRIPTIONS: Record<Architecture, Omit<ModelInfo, 'architecture'>> = {
  mlp: { title: 'MLP', family: 'baseline', description: 'Flattened pixels through dense layers: a baseline that shows what convolutions add.', seeds: [], minInput: 8 },
  smallCnn: { title: 'Small CNN', family: 'baseline', description: 'A few conv + pool blocks: trains in seconds, the shapes demo’s model.', seeds: ['demo'], minInput: 8 },
  mobilenetV2: { title: 'MobileNetV2', family: 'mobile', description: 'Inverted residuals with depthwise convolutions: accurate per FLOP, the transfer-learning workhorse.', seeds: ['002'], minInput: 32 },
  mobilenetV3Small: { title: 'MobileNetV3-Small', family: 'mobile', description: 'MobileNetV2 plus squeeze-excite and hard-swish, tuned for phones.', seeds: [], minInput: 32 },
  resnet18: { title: 'ResNet-18', family: 'resnet', description: 'Basic residual blocks, 18 layers: a strong, easy-to-train default.', seeds: ['002'], minInput: 32 },
  resnet34: { title: 'ResNet-34', family: 'resnet', description: 'Deeper basic-block ResNet: more capacity at twice ResNet-18’s cost.', seeds: [], minInput: 32 },
  resnet50: { title: 'ResNet-50', family: 'resnet', description: 'Bottleneck ResNet: the ArcFace backbone of the seed 000 report (the recipe starts from the face model below).', seeds: [], minInput: 32 },
  efficientnetB0: { title: 'EfficientNet-B0', family: 'mobile', description: 'MBConv blocks with squeeze-excite and Swish: the seed 004 report’s expression model, trained from ImageNet weights.', seeds: [], minInput: 32 },
  vgg16: { title: 'VGG-16', family: 'classic', description: 'Plain 3×3 conv stacks with dense layers: heavy, simple, seed 001’s tracker backbone.', seeds: ['001'], minInput: 32 },
  iresnet18: { title: 'IResNet-18', family: 'face', description: 'insightface’s improved ResNet for face embeddings: BN → conv → BN → PReLU → conv → BN blocks.', seeds: [], minInput: 32 },
  iresnet34: { title: 'IResNet-34', family: 'face', description: 'Deeper IResNet, the usual ArcFace baseline on MS1M.', seeds: [], minInput: 32 },
  iresnet50: { title: 'IResNet-50', family: 'face', description: 'IResNet with 50 layers: accurate face embeddings, heavy for a browser.', seeds: [], minInput: 32 },
  iresnet18Lite: { title: 'IResNet-18 Lite', family: 'face', description: 'IResNet-18 at half width: a quarter of the compute, the seed 003 report’s CDML backbone.', seeds: [], minInput: 32 },
  iresnet34Lite: { title: 'IResNet-34 Lite', family: 'face', description: 'IResNet-34 at half width.', seeds: [], minInput: 32 },
  iresnet50Lite: { title: 'IResNet-50 Lite', family: 'face', description: 'IResNet-50 at half width.', seeds: [], minInput: 32 },
  faceRecognitionNet: {
    title: 'Face recognition ResNet (dlib)',
    family: 'face',
    description: 'dlib’s face recognition ResNet as face-api.js runs it: 150 px faces in, a 128-d descriptor out.',
    seeds: ['000', '003'],
    minInput: 103,
  },
  faceExpressionNet: {
    title: 'Facial expression net (face-api)',
    family: 'face',
    description: 'face-api.js’ expression network: four dense blocks of depthwise-separable convolutions, trained on real faces for seven expressions; 112 px faces in.',
    seeds: ['004'],
    minInput: 16,
  },
};

/** The zoo as the Models page presents it; every architecture of the RunSpec schema, in its order. */
export const modelCatalog: readonly ModelInfo[] = architectures.map((architecture): ModelInfo => {
  const info = DESCRIPTIONS[architecture];
  return { architecture, ...info };
});

export interface CostSettings {
  inputSize: number;
  batchSize: number;
  width: number;
  numClasses: number;
}

/**
 * The spec the engine builds to estimate one card: a classifier with the reference head
 * (as seed 003's cost table measures), Adam (two slots per weight: the common case), on
 * generated data with `numClasses` classes so no stored dataset is needed.
 */
export function estimateSpec(architecture: Architecture, s: CostSettings): RunSpecInput {
  return {
    version: 2,
    name: `cost-${architecture}`,
    data: { source: { kind: 'synthetic', generator: 'shapes', classes: s.numClasses, perClass: 1 }, imageSize: s.inputSize, channels: 3 },
    model: { architecture, width: s.width, inputSize: s.inputSize },
    task: { kind: 'classification' },
    loss: { type: 'crossEntropy' },
    optimizer: { type: 'adam', lr: 0.001 },
    training: { epochs: 1, batchSize: s.batchSize },
  };
}
