import type { ModuleNamer } from './torchModuleNames.ts';

/**
 * torchvision's ResNet-18/34/50 names (timm's ResNets use the same): `conv1`, `bn1`,
 * `layer{s}.{b}.conv{i}` / `.bn{i}`, the shortcut `downsample.0` (conv) and `.1` (norm),
 * and the classifier `fc`.
 */
export const resnetModuleName: ModuleNamer = (layer) => {
  if (layer === 'stem_conv') return { path: 'conv1' };
  if (layer === 'stem_bn') return { path: 'bn1' };
  if (layer === 'logits') return { path: 'fc', head: true };
  const m = /^stage(\d+)_block(\d+)_(conv\d|bn\d|down_conv|down_bn)$/.exec(layer);
  if (!m) return undefined;
  const block = `layer${m[1]}.${Number(m[2]) - 1}`;
  if (m[3] === 'down_conv') return { path: `${block}.downsample.0` };
  if (m[3] === 'down_bn') return { path: `${block}.downsample.1` };
  return { path: `${block}.${m[3]}` };
};
