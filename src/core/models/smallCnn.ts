import type { BackboneBuilder } from './backbone.ts';
import { pooledBackbone } from './backbone.ts';

/** Filters per stage; each stage halves the resolution. */
const STAGES = [32, 64, 128];

/**
 * The studio's own small CNN for quick runs on small images: three stages of
 * (conv3×3 → BN → ReLU) × 2 → max-pool 2, then global average pooling. 'same' pooling
 * keeps it valid for any input size.
 */
export const smallCnn: BackboneBuilder = (f, input) => {
  let x = input;
  STAGES.forEach((filters, i) => {
    const stage = `stage${i + 1}`;
    f.startBlock(stage);
    x = f.convBnAct(x, stage, f.channels(filters), 3, 'relu', { index: 1 });
    x = f.convBnAct(x, stage, f.channels(filters), 3, 'relu', { index: 2 });
    x = f.maxPool(x, `${stage}_pool`, 2, 2, 'same');
  });
  f.endBlocks();
  return pooledBackbone(x);
};
