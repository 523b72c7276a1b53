import { numbered, type ModuleNamer } from './torchModuleNames.ts';

/**
 * torchvision's MobileNetV2 names: the stem `features.0.{0,1}`, block n at `features.n`
 * (`conv.0` the expansion's conv + norm where the block expands, then the depthwise pair,
 * then the projection as a bare conv and its norm), the last 1×1 `features.{blocks + 1}`,
 * and the classifier `classifier.1` (after its dropout).
 */
export const mobilenetV2ModuleName: ModuleNamer = (layer, model) => {
  if (layer === 'stem_conv') return { path: 'features.0.0' };
  if (layer === 'stem_bn') return { path: 'features.0.1' };
  if (layer === 'logits') return { path: 'classifier.1', head: true };
  if (layer === 'last_conv' || layer === 'last_bn') {
    let blocks = 0;
    while (model.has(`block${blocks + 1}_dw_conv`)) blocks++;
    return { path: `features.${blocks + 1}.${layer === 'last_conv' ? 0 : 1}` };
  }
  const b = numbered(layer, 'block');
  if (!b) return undefined;
  const base = `features.${b.index}.conv`;
  const expands = model.has(`block${b.index}_expand_conv`);
  const pairs = expands ? ['expand', 'dw'] : ['dw'];
  const m = /^(expand|dw|project)_(conv|bn)$/.exec(b.rest);
  if (!m) return undefined;
  if (m[1] === 'project') return { path: `${base}.${pairs.length + (m[2] === 'conv' ? 0 : 1)}` };
  return { path: `${base}.${pairs.indexOf(m[1])}.${m[2] === 'conv' ? 0 : 1}` };
};
