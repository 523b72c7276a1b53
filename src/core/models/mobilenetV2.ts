import type { Backbone, BackboneBuilder } from './backbone.ts';
import { pooledBackbone } from './backbone.ts';
import type { LayerFactory, SymbolicTensor } from './layerFactory.ts';
import { makeDivisible } from './makeDivisible.ts';

/**
 * MobileNetV2 (Sandler et al. 2018) as torchvision builds it: conv3×3/2 (32) → inverted
 * residual blocks (expand 1×1 → depthwise 3×3 → linear 1×1 projection, ReLU6, residual
 * when the shape is kept) → conv1×1 (1280) → global average pool; the classifier is
 * dropout 0.2 → linear. Channel counts are rounded to multiples of 8 after width
 * scaling; the last conv never shrinks below 1280, as in the paper.
 */
const SETTINGS: [expand: number, channels: number, repeats: number, stride: number][] = [
  [1, 16, 1, 1],
  [6, 24, 2, 2],
  [6, 32, 3, 2],
  [6, 64, 4, 2],
  [6, 96, 3, 1],
  [6, 160, 3, 2],
  [6, 320, 1, 1],
];
const LAST_CHANNELS = 1280;
const CLASSIFIER_DROPOUT = 0.2;

function invertedResidual(f: LayerFactory, x: SymbolicTensor, name: string, out: number, stride: number, expand: number): SymbolicTensor {
  const inChannels = x.shape[3] as number;
  const hidden = Math.round(inChannels * expand);
  let y = x;
  if (expand !== 1) y = f.convBnAct(y, `${name}_expand`, hidden, 1, 'relu6');
  y = f.batchNorm(f.depthwise(y, `${name}_dw_conv`, 3, stride), `${name}_dw_bn`);
  y = f.activation(y, `${name}_dw_relu6`, 'relu6');
  y = f.batchNorm(f.conv(y, `${name}_project_conv`, out, 1), `${name}_project_bn`);
  return stride === 1 && inChannels === out ? f.add([x, y], `${name}_add`) : y;
}

export const mobilenetV2: BackboneBuilder = (f, input): Backbone => {
  f.startBlock('stem');
  let x = f.convBnAct(input, 'stem', f.divisible(32), 3, 'relu6', { stride: 2 });
  let block = 0;
  for (const [expand, channels, repeats, stride] of SETTINGS) {
    const out = f.divisible(channels);
    for (let i = 0; i < repeats; i++) {
      block += 1;
      f.startBlock(`block${block}`);
      x = invertedResidual(f, x, `block${block}`, out, i === 0 ? stride : 1, expand);
    }
  }
  f.startBlock('last');
  x = f.convBnAct(x, 'last', makeDivisible(LAST_CHANNELS * Math.max(1, f.width)), 1, 'relu6');
  f.endBlocks();
  return pooledBackbone(x, CLASSIFIER_DROPOUT);
};
