import { numbered, sequentialBlockModule, type ModuleNamer } from './torchModuleNames.ts';

/** Blocks per stage of EfficientNet-B0 (efficientnetB0.ts's STAGES). */
const STAGE_REPEATS = [1, 2, 2, 3, 3, 4, 1];

/**
 * torchvision's EfficientNet-B0 names: the stem `features.0.{0,1}`, the MBConv blocks
 * grouped by stage at `features.{stage}.{i}.block` (parts numbered as they appear:
 * expansion where it expands, depthwise pair, squeeze-excite `fc1`/`fc2`, projection pair),
 * the last 1×1 `features.8`, and the classifier `classifier.1` (after its dropout).
 */
export const efficientnetB0ModuleName: ModuleNamer = (layer, model) => {
  const fixed: Record<string, { path: string; head?: boolean }> = {
    stem_conv: { path: 'features.0.0' },
    stem_bn: { path: 'features.0.1' },
    last_conv: { path: `features.${STAGE_REPEATS.length + 1}.0` },
    last_bn: { path: `features.${STAGE_REPEATS.length + 1}.1` },
    logits: { path: 'classifier.1', head: true },
  };
  if (layer in fixed) return fixed[layer];
  const b = numbered(layer, 'block');
  if (!b) return undefined;
  let i = b.index - 1;
  let stage = 0;
  while (stage < STAGE_REPEATS.length && i >= STAGE_REPEATS[stage]) i -= STAGE_REPEATS[stage++];
  if (stage === STAGE_REPEATS.length) return undefined;
  const order = [...(model.has(`block${b.index}_expand_conv`) ? ['expand'] : []), 'dw', 'se', 'project'];
  return sequentialBlockModule(b.rest, order, `features.${stage + 1}.${i}.block`);
};
