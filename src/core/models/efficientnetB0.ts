import type { Backbone, BackboneBuilder } from './backbone.ts';
import { pooledBackbone } from './backbone.ts';
import type { LayerFactory, SymbolicTensor } from './layerFactory.ts';
import { makeDivisible } from './makeDivisible.ts';

/**
 * EfficientNet-B0 (Tan & Le 2019) as torchvision builds it: conv3×3/2 (32, SiLU) →
 * sixteen MBConv blocks (1×1 expansion → depthwise k×k → squeeze-excite with a
 * sigmoid gate and a squeeze of a quarter of the block's *input* channels → linear 1×1
 * projection, residual when the shape is kept) → conv1×1 (1280 = 4 × 320, SiLU) →
 * global average pool; the classifier is dropout 0.2 → linear. Stochastic depth, a
 * training-time regularizer without parameters, is left out.
 */
const STAGES: [expand: number, kernel: number, stride: number, channels: number, repeats: number][] = [
  [1, 3, 1, 16, 1],
  [6, 3, 2, 24, 2],
  [6, 5, 2, 40, 2],
  [6, 3, 2, 80, 3],
  [6, 5, 1, 112, 3],
  [6, 5, 2, 192, 4],
  [6, 3, 1, 320, 1],
];
const LAST_CONV_EXPANSION = 4;
const CLASSIFIER_DROPOUT = 0.2;

function mbConv(f: LayerFactory, x: SymbolicTensor, name: string, out: number, kernel: number, stride: number, expand: number): SymbolicTensor {
  const inChannels = x.shape[3] as number;
  const expanded = makeDivisible(inChannels * expand);
  let y = x;
  if (expanded !== inChannels) y = f.convBnAct(y, `${name}_expand`, expanded, 1, 'swish');
  y = f.batchNorm(f.depthwise(y, `${name}_dw_conv`, kernel, stride), `${name}_dw_bn`);
  y = f.activation(y, `${name}_dw_swish`, 'swish');
  y = f.squeezeExcite(y, `${name}_se`, Math.max(1, Math.floor(inChannels / 4)), 'swish', 'sigmoid');
  y = f.batchNorm(f.conv(y, `${name}_project_conv`, out, 1), `${name}_project_bn`);
  return stride === 1 && inChannels === out ? f.add([x, y], `${name}_add`) : y;
}

export const efficientnetB0: BackboneBuilder = (f, input): Backbone => {
  f.startBlock('stem');
  let x = f.convBnAct(input, 'stem', f.divisible(32), 3, 'swish', { stride: 2 });
  let block = 0;
  for (const [expand, kernel, stride, channels, repeats] of STAGES) {
    const out = f.divisible(channels);
    for (let i = 0; i < repeats; i++) {
      block += 1;
      f.startBlock(`block${block}`);
      x = mbConv(f, x, `block${block}`, out, kernel, i === 0 ? stride : 1, expand);
    }
  }
  f.startBlock('last');
  x = f.convBnAct(x, 'last', LAST_CONV_EXPANSION * (x.shape[3] as number), 1, 'swish');
  f.endBlocks();
  return pooledBackbone(x, CLASSIFIER_DROPOUT);
};
