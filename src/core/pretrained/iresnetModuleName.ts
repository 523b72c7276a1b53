import type { ModuleNamer } from './torchModuleNames.ts';

/**
 * insightface's IResNet names (arcface_torch/backbones/iresnet.py): `conv1`, `bn1`,
 * `prelu`, `layer{s}.{b}.bn1 / conv1 / bn2 / prelu / conv2 / bn3`, the shortcut
 * `downsample.0` / `.1`, then `bn2` over the last map, `fc` (after a channels-first
 * flatten) and the embedding's batch norm `features`.
 */
export const iresnetModuleName: ModuleNamer = (layer) => {
  // The embedding's linear layer depends on the input size (its input is the flattened map): a head.
  const fixed: Record<string, { path: string; flattenedFrom?: 'chw'; head?: boolean }> = {
    stem_conv: { path: 'conv1' },
    stem_bn: { path: 'bn1' },
    stem_prelu: { path: 'prelu' },
    features_bn: { path: 'bn2' },
    embedding_fc: { path: 'fc', flattenedFrom: 'chw', head: true },
    embedding_bn: { path: 'features', head: true },
  };
  if (layer in fixed) return fixed[layer];
  const m = /^stage(\d+)_block(\d+)_(bn\d|conv\d|prelu|down_conv|down_bn)$/.exec(layer);
  if (!m) return undefined;
  const block = `layer${m[1]}.${Number(m[2]) - 1}`;
  if (m[3] === 'down_conv') return { path: `${block}.downsample.0` };
  if (m[3] === 'down_bn') return { path: `${block}.downsample.1` };
  return { path: `${block}.${m[3]}` };
};
