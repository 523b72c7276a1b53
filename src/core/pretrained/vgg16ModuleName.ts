import type { ModuleNamer } from './torchModuleNames.ts';

/** Convolutions per block of VGG-16 (configuration D). */
const BLOCKS = [2, 2, 3, 3, 3];

/**
 * torchvision's VGG-16 names: `features.{i}` numbers every module of the feature stack
 * (each conv followed by its ReLU, each block by a max-pool), so block b's conv c sits at
 * the index those before it leave; the classifier is `classifier.0` (over the channels-first
 * flatten of a 7×7 map, so only at 224 px), `classifier.3` and `classifier.6`.
 */
export const vgg16ModuleName: ModuleNamer = (layer) => {
  if (layer === 'fc1') return { path: 'classifier.0', head: true, flattenedFrom: 'chw' };
  if (layer === 'fc2') return { path: 'classifier.3', head: true };
  if (layer === 'logits') return { path: 'classifier.6', head: true };
  const m = /^block(\d)_conv(\d)$/.exec(layer);
  if (!m) return undefined;
  const block = Number(m[1]) - 1;
  const conv = Number(m[2]) - 1;
  if (block >= BLOCKS.length || conv >= BLOCKS[block]) return undefined;
  const before = BLOCKS.slice(0, block).reduce((n, c) => n + 2 * c + 1, 0);
  return { path: `features.${before + 2 * conv}` };
};
