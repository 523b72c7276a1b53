import type { Backbone, BackboneBuilder } from './backbone.ts';
import type { LayerFactory, SymbolicTensor } from './layerFactory.ts';

/**
 * IResNet, insightface's face-recognition ResNet (seed 003): conv3×3 (64, stride 1) →
 * BN → PReLU, then four stages whose first block strides by 2, each block
 * BN → conv3×3 → BN → PReLU → conv3×3 (stride) → BN plus a conv1×1 + BN shortcut where
 * the shape changes; then BN → dropout → flatten → dense(embedding) → BN. The network
 * ends in its own embedding: the final BN's scale is held at 1 (insightface freezes it),
 * only its shift is trained. Layers [2,2,2,2] (18), [3,4,6,3] (34), [3,4,14,3] (50).
 *
 * IResNet-Lite is our definition, since the seed publishes none beyond its diagram and
 * cost table: every channel count halved (stem 32, stages 32/64/128/256), with the same
 * blocks and the same 512-d embedding. That is the seed's diagram, and it reproduces
 * the seed's table (R18_lite 9.2M, R34_lite 11.8M, R50_lite 14.1M parameters; 0.66 /
 * 1.12 / 1.59 G multiply-accumulates at 112×112 against its 0.67 / 1.13 / 1.60
 * "GFLOPs"), see test/reference/models_iresnet.py. Depthwise-separable convolutions,
 * which the seed also mentions, would undershoot those figures, so the blocks keep
 * ordinary 3×3 convolutions.
 */
const STAGE_WIDTHS = [64, 128, 256, 512];
const LITE_WIDTH = 0.5;

function block(f: LayerFactory, x: SymbolicTensor, name: string, planes: number, stride: number): SymbolicTensor {
  let y = f.batchNorm(x, `${name}_bn1`);
  y = f.batchNorm(f.conv(y, `${name}_conv1`, planes, 3), `${name}_bn2`);
  y = f.activation(y, `${name}_prelu`, 'prelu');
  y = f.batchNorm(f.conv(y, `${name}_conv2`, planes, 3, { stride }), `${name}_bn3`);
  const identity =
    stride === 1 && x.shape[3] === planes ? x : f.batchNorm(f.conv(x, `${name}_down_conv`, planes, 1, { stride }), `${name}_down_bn`);
  return f.add([y, identity], `${name}_add`);
}

function iresnet(blocks: number[], widthFactor: number): BackboneBuilder {
  return (f, input, opts): Backbone => {
    f.startBlock('stem');
    let x = f.convBnAct(input, 'stem', f.channels(64, widthFactor), 3, 'prelu');
    blocks.forEach((count, s) => {
      for (let b = 0; b < count; b++) {
        f.startBlock(`stage${s + 1}_block${b + 1}`);
        x = block(f, x, `stage${s + 1}_block${b + 1}`, f.channels(STAGE_WIDTHS[s], widthFactor), b === 0 ? 2 : 1);
      }
    });
    f.startBlock('features');
    const features = f.batchNorm(x, 'features_bn');
    f.endBlocks();
    let embedding: SymbolicTensor | undefined;
    const embed = (fac: LayerFactory) => {
      if (embedding) return embedding;
      const flat = fac.dropout(fac.flatten(features, 'flatten'), 'embedding_dropout', opts.dropout);
      embedding = fac.batchNorm(fac.dense(flat, 'embedding_fc', opts.embeddingSize), 'embedding_bn', { fixedScale: true });
      return embedding;
    };
    return { features, vector: embed, endsInEmbedding: true, classic: { neck: embed, dropout: 0 } };
  };
}

export const iresnet18 = iresnet([2, 2, 2, 2], 1);
export const iresnet34 = iresnet([3, 4, 6, 3], 1);
export const iresnet50 = iresnet([3, 4, 14, 3], 1);
export const iresnet18Lite = iresnet([2, 2, 2, 2], LITE_WIDTH);
export const iresnet34Lite = iresnet([3, 4, 6, 3], LITE_WIDTH);
export const iresnet50Lite = iresnet([3, 4, 14, 3], LITE_WIDTH);
