import type { Backbone, BackboneBuilder } from './backbone.ts';
import type { LayerFactory, SymbolicTensor } from './layerFactory.ts';

/**
 * dlib's face recognition ResNet (`dlib_face_recognition_resnet_model_v1`, Davis King), as
 * face-api.js runs it (its `FaceRecognitionNet`): 150×150 RGB in, a 128-d descriptor out.
 *
 * - stem: conv 7×7/2 (32, no padding) → scale → ReLU → max-pool 3×3/2 (no padding);
 * - residual blocks: conv 3×3 → scale → ReLU → conv 3×3 → scale, plus the input, → ReLU;
 * - down-sampling blocks: the first conv is 3×3/2 without padding; the shortcut is a 2×2/2
 *   average pool with zero channels appended (no 1×1 conv), and where the conv's map is a
 *   pixel smaller than the pool's (even sizes) it is padded with zeros at the bottom/right;
 * - stages: 3 blocks of 32; down + 3 of 64; down + 2 of 128; down + 2 of 256 + a last down
 *   block of 256 (face-api's `conv256_down_out`); then global average pool → linear 128 (no bias).
 *
 * "scale" is dlib's affine layer (the inference form of its batch norms, channelAffine.ts);
 * every conv has a bias. The input is RGB scaled to [0, 1] minus face-api's mean
 * (122.782, 117.001, 104.298)/255, std 1: `FACE_API_NORMALIZATION`. The net ends in its own
 * embedding, which is not normalized (dlib compares descriptors by Euclidean distance, 0.6
 * being its same-person threshold); an embedding task L2-normalizes it as for any model.
 */
const STAGES: { planes: number; blocks: number; down: boolean; downAfter?: boolean }[] = [
  { planes: 32, blocks: 3, down: false },
  { planes: 64, blocks: 3, down: true },
  { planes: 128, blocks: 2, down: true },
  { planes: 256, blocks: 2, down: true, downAfter: true },
];

/** The smallest input at which every unpadded stride-2 window (the stem conv and pool, four down-sampling convs) fits: 103 px gives a 1×1 final map; dlib trained at 150. */
export const FACE_RECOGNITION_MIN_INPUT = 103;
/** dlib's descriptor width. */
export const FACE_RECOGNITION_EMBEDDING = 128;
/** face-api.js' preprocessing on pixels in [0, 1]: (255·x − mean) / 255 = x − mean / 255. */
export const FACE_API_NORMALIZATION = {
  preset: 'custom' as const,
  mean: [122.782 / 255, 117.001 / 255, 104.298 / 255],
  std: [1, 1, 1],
};

/** Residual blocks in all (3 + 4 + 3 + 4). */
const BLOCKS = STAGES.reduce((n, s) => n + s.blocks + (s.down ? 1 : 0) + (s.downAfter ? 1 : 0), 0);
/**
 * With no batch norm, He-initialized residual branches at full scale would double the
 * activations' variance in every block (2¹⁴ over the net: a fresh model's outputs saturate).
 * Fixup's rescaling for two-layer branches, L^(−1/2), is applied to each branch's last γ, so
 * a model trained from scratch starts stable; pretrained weights replace it.
 */
const BRANCH_GAMMA = 1 / Math.sqrt(BLOCKS);

function convScale(f: LayerFactory, x: SymbolicTensor, name: string, planes: number, i: number, stride: number, gammaInit?: number): SymbolicTensor {
  const conv = f.conv(x, `${name}_conv${i}`, planes, 3, { stride, bias: true, padding: stride === 1 ? 'same' : 'valid' });
  return f.affine(conv, `${name}_scale${i}`, { gammaInit });
}

function block(f: LayerFactory, x: SymbolicTensor, name: string, planes: number, down: boolean): SymbolicTensor {
  let y = f.activation(convScale(f, x, name, planes, 1, down ? 2 : 1), `${name}_relu1`, 'relu');
  y = convScale(f, y, name, planes, 2, 1, BRANCH_GAMMA);
  let shortcut = x;
  if (down) {
    shortcut = f.avgPool(x, `${name}_pool`, 2, 2);
    if (shortcut.shape[3] !== planes) shortcut = f.padChannels(shortcut, `${name}_pad_channels`, planes);
    const [dh, dw] = [1, 2].map((axis) => (shortcut.shape[axis] as number) - (y.shape[axis] as number));
    if (dh > 0 || dw > 0) y = f.zeroPad(y, `${name}_pad`, [[0, dh], [0, dw]]);
  }
  return f.activation(f.add([y, shortcut], `${name}_add`), `${name}_out`, 'relu');
}

export const faceRecognitionNet: BackboneBuilder = (f, input, opts): Backbone => {
  const size = input.shape[1] as number;
  if (size < FACE_RECOGNITION_MIN_INPUT) {
    throw new Error(`faceRecognitionNet needs inputSize >= ${FACE_RECOGNITION_MIN_INPUT} (below it an unpadded stride-2 window no longer fits; its weights were trained at 150), got ${size}`);
  }
  f.startBlock('stem');
  let x = f.conv(input, 'stem_conv', f.channels(32), 7, { stride: 2, bias: true, padding: 'valid' });
  x = f.activation(f.affine(x, 'stem_scale'), 'stem_relu', 'relu');
  x = f.maxPool(x, 'stem_pool', 3, 2, 'valid');
  STAGES.forEach((stage, s) => {
    const planes = f.channels(stage.planes);
    const count = stage.blocks + (stage.down ? 1 : 0) + (stage.downAfter ? 1 : 0);
    for (let b = 0; b < count; b++) {
      const down = (stage.down && b === 0) || (stage.downAfter === true && b === count - 1);
      f.startBlock(`stage${s + 1}_block${b + 1}`);
      x = block(f, x, `stage${s + 1}_block${b + 1}`, planes, down);
    }
  });
  f.endBlocks();
  const features = x;
  let embedding: SymbolicTensor | undefined;
  const embed = (fac: LayerFactory) => {
    if (embedding) return embedding;
    const pooled = fac.dropout(fac.globalAvgPool(features, 'avg_pool'), 'embedding_dropout', opts.dropout);
    embedding = fac.dense(pooled, 'embedding_fc', opts.embeddingSize, { bias: false, init: 'glorot' });
    return embedding;
  };
  return { features, vector: embed, endsInEmbedding: true, classic: { neck: embed, dropout: 0 } };
};
