import { numbered, sequentialBlockModule, type ModuleNamer } from './torchModuleNames.ts';

/**
 * torchvision's MobileNetV3-Small names: the stem `features.0.{0,1}`, bottleneck n at
 * `features.n.block`, its parts numbered as they appear (expansion where it expands, the
 * depthwise pair, squeeze-excite `fc1`/`fc2` where it has one, the projection pair), the
 * last 1×1 `features.12`, and the classifier `classifier.0` (1024) and `classifier.3`.
 */
export const mobilenetV3SmallModuleName: ModuleNamer = (layer, model) => {
  const fixed: Record<string, { path: string; head?: boolean }> = {
    stem_conv: { path: 'features.0.0' },
    stem_bn: { path: 'features.0.1' },
    last_conv: { path: 'features.12.0' },
    last_bn: { path: 'features.12.1' },
    classifier_hidden: { path: 'classifier.0', head: true },
    logits: { path: 'classifier.3', head: true },
  };
  if (layer in fixed) return fixed[layer];
  const b = numbered(layer, 'block');
  if (!b) return undefined;
  const order = [
    ...(model.has(`block${b.index}_expand_conv`) ? ['expand'] : []),
    'dw',
    ...(model.has(`block${b.index}_se_reduce`) ? ['se'] : []),
    'project',
  ];
  return sequentialBlockModule(b.rest, order, `features.${b.index}.block`);
};
