/** Where a faceRecognitionNet layer's weights live in face-api.js' face_recognition_model manifest. */
export interface FaceApiModule {
  /** The manifest's name prefix, e.g. `conv64_down/conv1/conv` (its weights are `<prefix>/filters`, `/bias`). */
  prefix: string;
  /** Layer weight (the zoo's) → the manifest's suffix; '' when the prefix is the weight itself (`fc`). */
  weights: Record<string, string>;
  /** The embedding layer, whose width a model may choose otherwise (then it starts fresh). */
  head?: boolean;
}

const CONV = { kernel: 'filters', bias: 'bias' };
const SCALE = { gamma: 'weights', beta: 'biases' };

/**
 * face-api.js' block names by stage: stage 1 `conv32_1..3`; stages 2–4 open with
 * `conv{64,128,256}_down`, then `conv{N}_1..`; stage 4 closes with `conv256_down_out`.
 */
function blockName(stage: number, block: number): string | undefined {
  const width = [32, 64, 128, 256][stage - 1];
  if (width === undefined) return undefined;
  if (stage === 1) return `conv32_${block}`;
  if (block === 1) return `conv${width}_down`;
  if (stage === 4 && block === 4) return 'conv256_down_out';
  return `conv${width}_${block - 1}`;
}

/** The manifest module of a zoo layer, or undefined for a layer face-api's network lacks (a head). */
export function faceApiWeightName(layer: string): FaceApiModule | undefined {
  if (layer === 'stem_conv') return { prefix: 'conv32_down/conv', weights: CONV };
  if (layer === 'stem_scale') return { prefix: 'conv32_down/scale', weights: SCALE };
  if (layer === 'embedding_fc') return { prefix: 'fc', weights: { kernel: '' }, head: true };
  const m = /^stage(\d)_block(\d+)_(conv|scale)([12])$/.exec(layer);
  if (!m) return undefined;
  const block = blockName(Number(m[1]), Number(m[2]));
  if (!block) return undefined;
  return m[3] === 'conv' ? { prefix: `${block}/conv${m[4]}/conv`, weights: CONV } : { prefix: `${block}/conv${m[4]}/scale`, weights: SCALE };
}

const POINTWISE = { kernel: 'pointwise_filter', bias: 'bias' };

/**
 * The manifest module of a faceExpressionNet layer in face-api.js' face_expression_model:
 * `dense0_conv0` ← `dense0/conv0` (a plain conv: `filters`, `bias`); a separable conv's
 * depthwise half `denseI_convJ_depthwise` ← `denseI/convJ/depthwise_filter` and its 1×1 half
 * `denseI_convJ` ← `denseI/convJ/pointwise_filter`, `/bias`. face-api's own classifier (`fc`,
 * its seven expressions in its own order) is not mapped: the head is the studio's, trained
 * for the dataset's classes.
 */
export function faceApiExpressionWeightName(layer: string): FaceApiModule | undefined {
  const m = /^dense([0-3])_conv([0-3])(_depthwise)?$/.exec(layer);
  if (!m) return undefined;
  const prefix = `dense${m[1]}/conv${m[2]}`;
  if (m[3]) return { prefix, weights: { depthwise_kernel: 'depthwise_filter' } };
  return { prefix, weights: m[1] === '0' && m[2] === '0' ? CONV : POINTWISE };
}
