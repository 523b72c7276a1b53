import type { Architecture } from '../spec/runSpec.ts';

/**
 * How many blocks each backbone has: the most `model.frozenLayers` can freeze (spec version
 * 2), and what "freeze the whole backbone" means. A block is the stem, each residual or
 * inverted-residual block, and a closing 1×1 convolution where the network has one — the
 * entries of torchvision's `features` for MobileNet and EfficientNet (EfficientNet's stages
 * split into their blocks), `conv1`+`bn1` then each `layerN[i]` for ResNet. buildModel marks
 * them as it builds; backboneBlocks.test.ts holds this table to what it marks.
 */
export const BACKBONE_BLOCKS: Record<Architecture, { count: number; what: string }> = {
  mlp: { count: 2, what: 'its two hidden layers' },
  smallCnn: { count: 3, what: 'its three conv–conv–pool stages' },
  mobilenetV2: { count: 19, what: 'the stem, 17 inverted-residual blocks and the last 1×1 conv (torchvision features[0..18])' },
  mobilenetV3Small: { count: 13, what: 'the stem, 11 bottlenecks and the last 1×1 conv (torchvision features[0..12])' },
  resnet18: { count: 9, what: 'the stem (conv1, bn1) and 8 basic blocks (layer1.0 … layer4.1)' },
  resnet34: { count: 17, what: 'the stem (conv1, bn1) and 16 basic blocks (layer1.0 … layer4.2)' },
  resnet50: { count: 17, what: 'the stem (conv1, bn1) and 16 bottlenecks (layer1.0 … layer4.2)' },
  efficientnetB0: { count: 18, what: 'the stem, 16 MBConv blocks and the last 1×1 conv' },
  vgg16: { count: 5, what: 'its five conv blocks, each closed by a max-pool' },
  iresnet18: { count: 10, what: 'the stem, 8 blocks and the last batch norm' },
  iresnet34: { count: 18, what: 'the stem, 16 blocks and the last batch norm' },
  iresnet50: { count: 26, what: 'the stem, 24 blocks and the last batch norm' },
  iresnet18Lite: { count: 10, what: 'the stem, 8 blocks and the last batch norm' },
  iresnet34Lite: { count: 18, what: 'the stem, 16 blocks and the last batch norm' },
  iresnet50Lite: { count: 26, what: 'the stem, 24 blocks and the last batch norm' },
  faceRecognitionNet: { count: 15, what: 'the stem and 14 residual blocks (dlib’s 29 convolutions)' },
  faceExpressionNet: { count: 4, what: 'its four dense blocks' },
};
