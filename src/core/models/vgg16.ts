import type { Backbone, BackboneBuilder } from './backbone.ts';
import type { LayerFactory, SymbolicTensor } from './layerFactory.ts';

/**
 * VGG-16 (configuration D, Simonyan & Zisserman 2014) as torchvision and Keras build it:
 * five blocks of conv3×3 (with bias) + ReLU, each closed by a 2×2/2 max-pool ('valid',
 * as Keras' VGG16 in seed 001, so 120×120 gives a 3×3×512 map); no batch norm. The
 * classifier flattens the map and applies fc 4096 → ReLU → dropout 0.5 → fc 4096 →
 * ReLU → dropout 0.5 → linear. torchvision pools to 7×7 first; at 224×224 the map is
 * 7×7 already, so the counts match there.
 */
const BLOCKS = [
  [64, 64],
  [128, 128],
  [256, 256, 256],
  [512, 512, 512],
  [512, 512, 512],
];
const FC = 4096;
const CLASSIFIER_DROPOUT = 0.5;
/** Five 'valid' 2×2 pools need at least 2⁵ pixels. */
export const VGG16_MIN_INPUT = 32;

export const vgg16: BackboneBuilder = (f, input): Backbone => {
  const size = input.shape[1] as number;
  if (size < VGG16_MIN_INPUT) throw new Error(`vgg16 needs inputSize >= ${VGG16_MIN_INPUT} (five 2x2 pools), got ${size}`);
  let x = input;
  BLOCKS.forEach((filters, b) => {
    f.startBlock(`block${b + 1}`);
    filters.forEach((n, c) => {
      const name = `block${b + 1}_conv${c + 1}`;
      x = f.activation(f.conv(x, name, f.channels(n), 3, { bias: true }), `${name}_relu`, 'relu');
    });
    x = f.maxPool(x, `block${b + 1}_pool`, 2, 2, 'valid');
  });
  f.endBlocks();
  const features = x;
  const fc = (fac: LayerFactory, v: SymbolicTensor, name: string) => fac.activation(fac.dense(v, name, fac.channels(FC)), `${name}_relu`, 'relu');
  return {
    features,
    vector: (fac) => fac.globalAvgPool(features, 'avg_pool'),
    endsInEmbedding: false,
    classic: {
      neck: (fac) => {
        const fc1 = fc(fac, fac.flatten(features, 'flatten'), 'fc1');
        return fc(fac, fac.dropout(fc1, 'fc1_dropout', CLASSIFIER_DROPOUT), 'fc2');
      },
      dropout: CLASSIFIER_DROPOUT,
    },
  };
};
