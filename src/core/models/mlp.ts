import type { BackboneBuilder } from './backbone.ts';
import { pooledBackbone } from './backbone.ts';

/** Two hidden layers, the baseline that shows what convolutions buy on images. */
const HIDDEN = [512, 256];

/** Flatten → (dense → ReLU) × 2, widths scaled by the width multiplier. */
export const mlp: BackboneBuilder = (f, input) => {
  let x = f.flatten(input, 'flatten');
  HIDDEN.forEach((units, i) => {
    f.startBlock(`dense${i + 1}`);
    x = f.activation(f.dense(x, `dense${i + 1}`, f.channels(units)), `dense${i + 1}_relu`, 'relu');
  });
  f.endBlocks();
  return pooledBackbone(x);
};
