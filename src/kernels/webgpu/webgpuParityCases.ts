// Plain data, no tfjs: the e2e test that reads Chromium's parity results imports it in Node.

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];

/** One convolution kernel (forward or gradient) on one geometry; a fused forward with its bias and activation. */
export interface ConvParityCase {
  kernel:
    | 'Conv2D'
    | 'FusedConv2D'
    | 'Conv2DBackpropFilter'
    | 'Conv2DBackpropInput'
    | 'DepthwiseConv2dNative'
    | 'DepthwiseConv2dNativeBackpropFilter'
    | 'DepthwiseConv2dNativeBackpropInput';
  x: [number, number, number, number];
  filter: [number, number, number, number];
  stride: number;
  pad: Pad;
  bias?: boolean;
  activation?: 'linear' | 'relu' | 'relu6' | 'elu' | 'sigmoid' | 'leakyrelu';
}

/** A sum or mean over a run of neighbouring axes. */
export interface ReduceParityCase {
  kernel: 'Sum' | 'Mean';
  x: number[];
  axes: number[];
  keepDims: boolean;
}

/** A product of 3-D operands (as tfjs's matMul op hands them to the kernel); a fused one with its bias and activation. */
export interface MatMulParityCase {
  kernel: 'BatchMatMul' | '_FusedMatMul';
  a: number[];
  b: number[];
  transposeA: boolean;
  transposeB: boolean;
  bias?: boolean;
  activation?: ConvParityCase['activation'];
}

/** Batch norm's forward over a channels-last x; mean and variance of `stats` shape (one per channel unless given), β and γ optional. */
export interface BatchNormParityCase {
  kernel: 'FusedBatchNorm';
  x: number[];
  offset: boolean;
  scale: boolean;
  stats?: number[];
}

export type ParityCase = ConvParityCase | ReduceParityCase | MatMulParityCase | BatchNormParityCase;

export function isReduceCase(c: ParityCase): c is ReduceParityCase {
  return c.kernel === 'Sum' || c.kernel === 'Mean';
}

export function isMatMulCase(c: ParityCase): c is MatMulParityCase {
  return c.kernel === 'BatchMatMul' || c.kernel === '_FusedMatMul';
}

export function isBatchNormCase(c: ParityCase): c is BatchNormParityCase {
  return c.kernel === 'FusedBatchNorm';
}

type Geometry = Omit<ConvParityCase, 'kernel'>;

// The geometries of the zoo: stems (3×3/2, ResNet's 7×7/2), 3×3 and 1×1 bodies, odd sizes
// with asymmetric 'same' padding, explicit padding, valid, shapes big enough that the batch
// is sliced across workgroups (partial sums), 1×1 stride 1 (the direct pointwise product of
// all three kernels, rows and columns not multiples of its 4×4 block, and a batch long enough
// that the filter gradient's k is sliced), ResNet's 1×1/2 shortcut and a filter smaller than
// its stride (the input gradient's stride phases that no tap reaches).
const CONV: Geometry[] = [
  { x: [2, 9, 9, 3], filter: [3, 3, 3, 8], stride: 1, pad: 'same' },
  { x: [2, 16, 16, 8], filter: [3, 3, 8, 16], stride: 2, pad: 'same' },
  { x: [2, 15, 13, 6], filter: [3, 3, 6, 10], stride: 2, pad: 'same' },
  { x: [1, 7, 7, 5], filter: [1, 1, 5, 7], stride: 1, pad: 'valid' },
  { x: [3, 11, 11, 4], filter: [5, 5, 4, 6], stride: 2, pad: 'valid' },
  { x: [2, 32, 32, 3], filter: [7, 7, 3, 16], stride: 2, pad: 'same' },
  { x: [2, 8, 8, 64], filter: [1, 1, 64, 96], stride: 1, pad: 'same' },
  { x: [2, 10, 9, 4], filter: [3, 3, 4, 5], stride: 1, pad: [[0, 0], [1, 2], [2, 0], [0, 0]] },
  { x: [8, 32, 32, 16], filter: [3, 3, 16, 32], stride: 1, pad: 'same' },
  { x: [3, 5, 7, 144], filter: [1, 1, 144, 26], stride: 1, pad: 'same' },
  { x: [2, 9, 9, 8], filter: [1, 1, 8, 12], stride: 2, pad: 'same' },
  { x: [2, 10, 11, 4], filter: [2, 2, 4, 3], stride: 3, pad: 'same' },
  { x: [8, 16, 16, 6], filter: [1, 1, 6, 10], stride: 1, pad: 'same' },
];

// MobileNetV2's and EfficientNet-B0's depthwise layers: 3×3 and 5×5, stride 1 and 2, a
// channel multiplier, and a batch big enough to be sliced.
const DEPTHWISE: Geometry[] = [
  { x: [2, 9, 9, 6], filter: [3, 3, 6, 1], stride: 1, pad: 'same' },
  { x: [2, 16, 16, 8], filter: [3, 3, 8, 2], stride: 2, pad: 'same' },
  { x: [1, 10, 11, 4], filter: [5, 5, 4, 1], stride: 2, pad: 'same' },
  { x: [3, 7, 7, 5], filter: [3, 3, 5, 1], stride: 1, pad: 'valid' },
  { x: [8, 32, 32, 72], filter: [3, 3, 72, 1], stride: 1, pad: 'same' },
  { x: [2, 11, 10, 12], filter: [5, 5, 12, 1], stride: 2, pad: 'same' },
];

// The forward's epilogues: every activation tfjs fuses but prelu, with and without a bias,
// on a geometry that runs in one pass, on one whose product is sliced (partial sums: the
// epilogue then runs in the summing pass) and on a 1×1 one (the direct pointwise product).
const FUSED: Omit<ConvParityCase, 'kernel' | 'x' | 'filter' | 'stride' | 'pad'>[] = [
  { bias: true, activation: 'linear' },
  { bias: true, activation: 'relu' },
  { bias: false, activation: 'relu6' },
  { bias: true, activation: 'elu' },
  { bias: true, activation: 'sigmoid' },
  { bias: false, activation: 'leakyrelu' },
];
const FUSED_GEOMETRIES: Geometry[] = [
  { x: [2, 9, 9, 5], filter: [3, 3, 5, 7], stride: 1, pad: 'same' },
  { x: [4, 2, 2, 64], filter: [3, 3, 64, 24], stride: 1, pad: 'same' },
  { x: [2, 6, 5, 12], filter: [1, 1, 12, 10], stride: 1, pad: 'same' },
];

// Global average pools (the spatial axes of NHWC; 1×1 and larger maps), a bias gradient
// (every axis but the channels: sliced into partial sums), and a middle run of axes.
const REDUCE: Omit<ReduceParityCase, 'kernel'>[] = [
  { x: [32, 1, 1, 40], axes: [1, 2], keepDims: false },
  { x: [4, 7, 5, 24], axes: [1, 2], keepDims: true },
  { x: [8, 32, 32, 6], axes: [0, 1, 2], keepDims: false },
  { x: [3, 4, 5, 6, 7], axes: [2, 3], keepDims: false },
];

// Dense layers and their gradients (either operand transposed), batched and broadcast
// products, a long k (sliced into partial sums, the epilogue in the summing pass), and one
// too large for the direct product (stock's, unchanged).
const MATMUL: MatMulParityCase[] = [
  { kernel: '_FusedMatMul', a: [1, 32, 96], b: [1, 96, 4], transposeA: false, transposeB: false, bias: true, activation: 'linear' },
  { kernel: '_FusedMatMul', a: [1, 8, 700], b: [1, 700, 3], transposeA: false, transposeB: false, bias: true, activation: 'relu' },
  { kernel: '_FusedMatMul', a: [1, 5, 40], b: [1, 9, 40], transposeA: false, transposeB: true, bias: false, activation: 'leakyrelu' },
  { kernel: '_FusedMatMul', a: [1, 12, 6], b: [1, 12, 10], transposeA: true, transposeB: false, bias: true, activation: 'sigmoid' },
  { kernel: 'BatchMatMul', a: [1, 32, 48], b: [1, 32, 2], transposeA: true, transposeB: false },
  { kernel: 'BatchMatMul', a: [1, 32, 2], b: [1, 48, 2], transposeA: false, transposeB: true },
  { kernel: 'BatchMatMul', a: [4, 6, 33], b: [4, 33, 5], transposeA: false, transposeB: false },
  { kernel: 'BatchMatMul', a: [3, 5, 7], b: [1, 7, 6], transposeA: false, transposeB: false },
  { kernel: 'BatchMatMul', a: [1, 7, 5], b: [3, 6, 7], transposeA: true, transposeB: true },
  { kernel: 'BatchMatMul', a: [1, 256, 64], b: [1, 64, 128], transposeA: false, transposeB: false },
];

// Batch norm: channels in fours and not, with and without β and γ, a dense layer's [N, C],
// and statistics shaped [1, 1, 1, C] (stock's, unchanged).
const BATCH_NORM: BatchNormParityCase[] = [
  { kernel: 'FusedBatchNorm', x: [2, 5, 6, 8], offset: true, scale: true },
  { kernel: 'FusedBatchNorm', x: [3, 4, 5, 6], offset: true, scale: true },
  { kernel: 'FusedBatchNorm', x: [4, 3, 3, 12], offset: false, scale: true },
  { kernel: 'FusedBatchNorm', x: [2, 3, 3, 5], offset: true, scale: false },
  { kernel: 'FusedBatchNorm', x: [7, 16], offset: true, scale: true },
  { kernel: 'FusedBatchNorm', x: [2, 3, 3, 4], offset: true, scale: true, stats: [1, 1, 1, 4] },
];

/** Every kernel the studio replaces on webgpu, on every geometry it must match stock on. */
export const WEBGPU_PARITY_CASES: readonly ParityCase[] = [
  ...CONV.map((g) => ({ kernel: 'Conv2D' as const, ...g })),
  ...FUSED_GEOMETRIES.flatMap((g) => FUSED.map((f) => ({ kernel: 'FusedConv2D' as const, ...g, ...f }))),
  ...REDUCE.flatMap((r) => [{ kernel: 'Sum' as const, ...r }, { kernel: 'Mean' as const, ...r }]),
  ...MATMUL,
  ...BATCH_NORM,
  ...CONV.map((g) => ({ kernel: 'Conv2DBackpropFilter' as const, ...g })),
  ...CONV.map((g) => ({ kernel: 'Conv2DBackpropInput' as const, ...g })),
  ...DEPTHWISE.map((g) => ({ kernel: 'DepthwiseConv2dNative' as const, ...g })),
  ...DEPTHWISE.map((g) => ({ kernel: 'DepthwiseConv2dNativeBackpropFilter' as const, ...g })),
  ...DEPTHWISE.map((g) => ({ kernel: 'DepthwiseConv2dNativeBackpropInput' as const, ...g })),
];

/** Issue 6's bound on the relative error between the studio's kernels and stock's. */
export const PARITY_TOLERANCE = 1e-4;

export function parityCaseLabel(c: ParityCase): string {
  if (isMatMulCase(c)) {
    const fused = c.kernel === '_FusedMatMul' ? ` ${c.bias ? 'bias + ' : ''}${c.activation}` : '';
    return `${c.kernel} [${c.a}]${c.transposeA ? 'ᵀ' : ''} · [${c.b}]${c.transposeB ? 'ᵀ' : ''}${fused}`;
  }
  if (isReduceCase(c)) return `${c.kernel} x [${c.x}] axes [${c.axes}]${c.keepDims ? ' keepDims' : ''}`;
  if (isBatchNormCase(c)) return `${c.kernel} x [${c.x}]${c.offset ? ' β' : ''}${c.scale ? ' γ' : ''}${c.stats ? ` stats [${c.stats}]` : ''}`;
  const fused = c.kernel === 'FusedConv2D' ? ` ${c.bias ? 'bias + ' : ''}${c.activation}` : '';
  return `${c.kernel} x [${c.x}] filter [${c.filter}] stride ${c.stride} pad ${JSON.stringify(c.pad)}${fused}`;
}
