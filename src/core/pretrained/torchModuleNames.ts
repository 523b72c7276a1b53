import type { Architecture } from '../spec/runSpec.ts';
import { efficientnetB0ModuleName } from './efficientnetB0ModuleName.ts';
import { iresnetModuleName } from './iresnetModuleName.ts';
import { mobilenetV2ModuleName } from './mobilenetV2ModuleName.ts';
import { mobilenetV3SmallModuleName } from './mobilenetV3SmallModuleName.ts';
import { resnetModuleName } from './resnetModuleName.ts';
import { vgg16ModuleName } from './vgg16ModuleName.ts';

/** Where a zoo layer's weights live in a PyTorch state_dict. */
export interface TorchModule {
  /** The module's path, e.g. `layer1.0.conv1` (its tensors are `<path>.weight`, `.bias`, …). */
  path: string;
  /** Part of the reference classifier, which a model with another class count leaves fresh. */
  head?: boolean;
  /** A linear layer after a flatten of a [C, H, W] map: PyTorch flattens channels first, tfjs last. */
  flattenedFrom?: 'chw';
}

/** What the namer of a family may ask about the model it names. */
export interface ModelLayers {
  has(layerName: string): boolean;
}

/** A family's map from the zoo's layer names to torchvision's (or insightface's) module paths. */
export type ModuleNamer = (layerName: string, model: ModelLayers) => TorchModule | undefined;

/**
 * Which naming a file uses: torchvision's state_dict (also timm's ResNets and insightface's
 * IResNet), or timm's (Hugging Face Hub) for MobileNetV2 and EfficientNet-B0 (timmName.ts).
 */
export const weightNamings = ['torchvision', 'timm'] as const;
export type WeightNaming = (typeof weightNamings)[number];

const NAMERS: Partial<Record<Architecture, ModuleNamer>> = {
  resnet18: resnetModuleName,
  resnet34: resnetModuleName,
  resnet50: resnetModuleName,
  mobilenetV2: mobilenetV2ModuleName,
  mobilenetV3Small: mobilenetV3SmallModuleName,
  efficientnetB0: efficientnetB0ModuleName,
  vgg16: vgg16ModuleName,
  iresnet18: iresnetModuleName,
  iresnet34: iresnetModuleName,
  iresnet50: iresnetModuleName,
  iresnet18Lite: iresnetModuleName,
  iresnet34Lite: iresnetModuleName,
  iresnet50Lite: iresnetModuleName,
};

/** The namer of an architecture, or undefined for the studio's own small models (no PyTorch reference). */
export function torchModuleNamer(architecture: Architecture): ModuleNamer | undefined {
  return NAMERS[architecture];
}

/** Matches `${prefix}${number}_rest`, giving the number and the rest. */
export function numbered(layerName: string, prefix: string): { index: number; rest: string } | undefined {
  const m = new RegExp(`^${prefix}(\\d+)_(.+)$`).exec(layerName);
  return m ? { index: Number(m[1]), rest: m[2] } : undefined;
}

/**
 * The torchvision module of a conv / batch-norm pair inside a block whose submodules are
 * numbered in order of appearance (`block.0`, `block.1`, … in MobileNetV3 and EfficientNet;
 * `conv.0`, … in MobileNetV2), each pair a Conv2dNormActivation (`.0` conv, `.1` norm) and
 * a squeeze-excite module with `fc1` / `fc2`.
 */
export function sequentialBlockModule(rest: string, order: string[], base: string): TorchModule | undefined {
  const m = /^(expand|dw|se|project)_(conv|bn|reduce|expand)$/.exec(rest);
  if (!m) return undefined;
  const at = order.indexOf(m[1]);
  if (at < 0) return undefined;
  if (m[1] === 'se') return { path: `${base}.${at}.${m[2] === 'reduce' ? 'fc1' : 'fc2'}` };
  return { path: `${base}.${at}.${m[2] === 'conv' ? 0 : 1}` };
}
