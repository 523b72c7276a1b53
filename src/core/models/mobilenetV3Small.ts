import type { Backbone, BackboneBuilder } from './backbone.ts';
import type { ActivationKind, LayerFactory, SymbolicTensor } from './layerFactory.ts';
import { makeDivisible } from './makeDivisible.ts';

/**
 * MobileNetV3-Small (Howard et al. 2019) as torchvision builds it: conv3×3/2 (16,
 * hard-swish) → eleven bottlenecks (optional 1×1 expansion → depthwise k×k → optional
 * squeeze-excite with a hard-sigmoid gate → linear 1×1 projection) → conv1×1 (576,
 * hard-swish) → global average pool; the classifier is dense 1024 → hard-swish →
 * dropout 0.2 → linear. Batch norms use ε = 1e-3 as torchvision's do, and its momentum
 * 0.01 (Keras' 0.99) under the torchvision convention; the keras convention kept 0.9.
 */
type Bneck = [kernel: number, expanded: number, out: number, se: boolean, act: ActivationKind, stride: number];
const BLOCKS: Bneck[] = [
  [3, 16, 16, true, 'relu', 2],
  [3, 72, 24, false, 'relu', 2],
  [3, 88, 24, false, 'relu', 1],
  [5, 96, 40, true, 'hardSwish', 2],
  [5, 240, 40, true, 'hardSwish', 1],
  [5, 240, 40, true, 'hardSwish', 1],
  [5, 120, 48, true, 'hardSwish', 1],
  [5, 144, 48, true, 'hardSwish', 1],
  [5, 288, 96, true, 'hardSwish', 2],
  [5, 576, 96, true, 'hardSwish', 1],
  [5, 576, 96, true, 'hardSwish', 1],
];
const LAST_CONV_EXPANSION = 6;
const HEAD_HIDDEN = 1024;
const CLASSIFIER_DROPOUT = 0.2;
const EPSILON = 1e-3;
const bnOptions = (f: LayerFactory) => ({ epsilon: EPSILON, momentum: f.byConvention({ torchvision: 0.99, keras: 0.9 }) });

function bneck(f: LayerFactory, x: SymbolicTensor, name: string, cfg: Bneck): SymbolicTensor {
  const [kernel, expandedBase, outBase, se, act, stride] = cfg;
  const inChannels = x.shape[3] as number;
  const expanded = f.divisible(expandedBase);
  const out = f.divisible(outBase);
  let y = x;
  const bn = bnOptions(f);
  if (expanded !== inChannels) y = f.convBnAct(y, `${name}_expand`, expanded, 1, act, bn);
  y = f.batchNorm(f.depthwise(y, `${name}_dw_conv`, kernel, stride), `${name}_dw_bn`, bn);
  y = f.activation(y, `${name}_dw_${act}`, act);
  if (se) y = f.squeezeExcite(y, `${name}_se`, makeDivisible(Math.floor(expanded / 4)), 'relu', 'hardSigmoid');
  y = f.batchNorm(f.conv(y, `${name}_project_conv`, out, 1), `${name}_project_bn`, bn);
  return stride === 1 && inChannels === out ? f.add([x, y], `${name}_add`) : y;
}

export const mobilenetV3Small: BackboneBuilder = (f, input): Backbone => {
  const bn = bnOptions(f);
  f.startBlock('stem');
  let x = f.convBnAct(input, 'stem', f.divisible(16), 3, 'hardSwish', { stride: 2, ...bn });
  BLOCKS.forEach((cfg, i) => {
    f.startBlock(`block${i + 1}`);
    x = bneck(f, x, `block${i + 1}`, cfg);
  });
  f.startBlock('last');
  const features = f.convBnAct(x, 'last', LAST_CONV_EXPANSION * (x.shape[3] as number), 1, 'hardSwish', bn);
  f.endBlocks();
  let vector: SymbolicTensor | undefined;
  const pool = (fac: LayerFactory) => (vector ??= fac.globalAvgPool(features, 'avg_pool'));
  return {
    features,
    vector: pool,
    endsInEmbedding: false,
    classic: {
      neck: (fac) => fac.activation(fac.dense(pool(fac), 'classifier_hidden', fac.divisible(HEAD_HIDDEN)), 'classifier_hardSwish', 'hardSwish'),
      dropout: CLASSIFIER_DROPOUT,
    },
  };
};
