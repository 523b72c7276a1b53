import type { Backbone, BackboneBuilder } from './backbone.ts';
import { pooledBackbone } from './backbone.ts';
import type { LayerFactory, SymbolicTensor } from './layerFactory.ts';

/**
 * ResNet-18/34/50 as torchvision defines them (He et al. 2016; the "v1.5" bottleneck
 * that strides in its 3×3 conv): 7×7/2 stem → max-pool 3/2 → four stages of basic
 * (18, 34) or bottleneck (50) blocks → global average pool → fc. Convs have no bias
 * (each feeds a batch norm), the fc has one, so at width 1, 224×224 and 1000 classes
 * the parameter counts are torchvision's exactly.
 */
const STAGE_WIDTHS = [64, 128, 256, 512];
const BOTTLENECK_EXPANSION = 4;

function shortcut(f: LayerFactory, x: SymbolicTensor, name: string, out: number, stride: number): SymbolicTensor {
  if (stride === 1 && x.shape[3] === out) return x;
  return f.batchNorm(f.conv(x, `${name}_down_conv`, out, 1, { stride }), `${name}_down_bn`);
}

function basicBlock(f: LayerFactory, x: SymbolicTensor, name: string, width: number, stride: number): SymbolicTensor {
  let y = f.convBnAct(x, name, width, 3, 'relu', { stride, index: 1 });
  y = f.batchNorm(f.conv(y, `${name}_conv2`, width, 3), `${name}_bn2`);
  const sum = f.add([y, shortcut(f, x, name, width, stride)], `${name}_add`);
  return f.activation(sum, `${name}_out`, 'relu');
}

function bottleneck(f: LayerFactory, x: SymbolicTensor, name: string, width: number, stride: number): SymbolicTensor {
  const out = width * BOTTLENECK_EXPANSION;
  let y = f.convBnAct(x, name, width, 1, 'relu', { index: 1 });
  y = f.convBnAct(y, name, width, 3, 'relu', { stride, index: 2 });
  y = f.batchNorm(f.conv(y, `${name}_conv3`, out, 1), `${name}_bn3`);
  const sum = f.add([y, shortcut(f, x, name, out, stride)], `${name}_add`);
  return f.activation(sum, `${name}_out`, 'relu');
}

function resnet(blocks: number[], block: typeof basicBlock): BackboneBuilder {
  return (f, input): Backbone => {
    f.startBlock('stem');
    let x = f.convBnAct(input, 'stem', f.channels(64), 7, 'relu', { stride: 2 });
    x = f.maxPool(x, 'stem_pool', 3, 2, 'same', { nonNegativeInput: true });
    blocks.forEach((count, s) => {
      for (let b = 0; b < count; b++) {
        const stride = s > 0 && b === 0 ? 2 : 1;
        f.startBlock(`stage${s + 1}_block${b + 1}`);
        x = block(f, x, `stage${s + 1}_block${b + 1}`, f.channels(STAGE_WIDTHS[s]), stride);
      }
    });
    f.endBlocks();
    return pooledBackbone(x);
  };
}

export const resnet18 = resnet([2, 2, 2, 2], basicBlock);
export const resnet34 = resnet([3, 4, 6, 3], basicBlock);
export const resnet50 = resnet([3, 4, 6, 3], bottleneck);
