import type { Architecture } from '../spec/runSpec.ts';

/**
 * Blocks per stage of timm's `mobilenetv2_100` and `efficientnet_b0`, whose state_dicts are
 * torchvision's renamed tensor for tensor (the same networks: same tensors in the same order,
 * and the same outputs from the same weights, checked against timm's models; see
 * docs/pretrained.md). timm's ResNets use torchvision's names as they are.
 */
const STAGES: Partial<Record<Architecture, number[]>> = {
  mobilenetV2: [1, 2, 3, 4, 3, 3, 1],
  efficientnetB0: [1, 2, 2, 3, 3, 4, 1],
};

/** torchvision's module (relative to a block) → timm's, for a block without expansion and for the rest. */
const MOBILENET_V2_FIRST: Record<string, string> = { '0.0': 'conv_dw', '0.1': 'bn1', '1': 'conv_pw', '2': 'bn2' };
const MOBILENET_V2_BLOCK: Record<string, string> = { '0.0': 'conv_pw', '0.1': 'bn1', '1.0': 'conv_dw', '1.1': 'bn2', '2': 'conv_pwl', '3': 'bn3' };
const EFFICIENTNET_FIRST: Record<string, string> = { '0.0': 'conv_dw', '0.1': 'bn1', '1.fc1': 'se.conv_reduce', '1.fc2': 'se.conv_expand', '2.0': 'conv_pw', '2.1': 'bn2' };
const EFFICIENTNET_BLOCK: Record<string, string> = {
  '0.0': 'conv_pw',
  '0.1': 'bn1',
  '1.0': 'conv_dw',
  '1.1': 'bn2',
  '2.fc1': 'se.conv_reduce',
  '2.fc2': 'se.conv_expand',
  '3.0': 'conv_pwl',
  '3.1': 'bn3',
};

/** The architectures whose timm names the studio reads. */
export const timmArchitectures: readonly Architecture[] = ['resnet18', 'resnet34', 'resnet50', 'mobilenetV2', 'efficientnetB0'];

function inBlock(stage: number, block: number, rest: string, parts: Record<string, string>): string | undefined {
  for (const [torch, timm] of Object.entries(parts)) {
    if (rest.startsWith(`${torch}.`)) return `blocks.${stage}.${block}.${timm}${rest.slice(torch.length)}`;
  }
  return undefined;
}

/**
 * timm's name for a tensor torchvision names `name` (e.g. `features.3.conv.1.0.weight` →
 * `blocks.2.0.conv_dw.weight`), or undefined when the architecture has no timm naming the
 * studio reads or the name is not part of it.
 */
export function timmName(architecture: Architecture, name: string): string | undefined {
  if (architecture === 'resnet18' || architecture === 'resnet34' || architecture === 'resnet50') return name;
  const stages = STAGES[architecture];
  if (!stages) return undefined;
  const blocks = stages.reduce((a, b) => a + b, 0);
  const head = architecture === 'mobilenetV2' ? blocks + 1 : stages.length + 1;
  let m = /^features\.0\.([01])\.(.+)$/.exec(name);
  if (m) return `${m[1] === '0' ? 'conv_stem' : 'bn1'}.${m[2]}`;
  m = new RegExp(`^features\\.${head}\\.([01])\\.(.+)$`).exec(name);
  if (m) return `${m[1] === '0' ? 'conv_head' : 'bn2'}.${m[2]}`;
  m = /^classifier\.1\.(.+)$/.exec(name);
  if (m) return `classifier.${m[1]}`;
  if (architecture === 'mobilenetV2') {
    m = /^features\.(\d+)\.conv\.(.+)$/.exec(name);
    if (!m) return undefined;
    const flat = Number(m[1]) - 1;
    let stage = 0;
    while (stage < stages.length && flat >= stages.slice(0, stage + 1).reduce((a, b) => a + b, 0)) stage++;
    if (stage >= stages.length) return undefined;
    const block = flat - stages.slice(0, stage).reduce((a, b) => a + b, 0);
    return inBlock(stage, block, m[2], flat === 0 ? MOBILENET_V2_FIRST : MOBILENET_V2_BLOCK);
  }
  m = /^features\.(\d+)\.(\d+)\.block\.(.+)$/.exec(name);
  if (!m) return undefined;
  const stage = Number(m[1]) - 1;
  const block = Number(m[2]);
  if (stage < 0 || stage >= stages.length || block >= stages[stage]) return undefined;
  return inBlock(stage, block, m[3], stage === 0 ? EFFICIENTNET_FIRST : EFFICIENTNET_BLOCK);
}
