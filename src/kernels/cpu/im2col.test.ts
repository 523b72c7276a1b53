import { backend_util } from '@tensorflow/tfjs-core';
import { describe, expect, it, vi } from 'vitest';
import { col2im, im2col, PatchRows, PatchScatter } from './im2col.ts';
import { setSimdKernels, simdPatchKernels } from './wasm/simdKernels.ts';

function filled(size: number, seed: number): Float32Array {
  let state = seed;
  return Float32Array.from({ length: size }, () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648 - 0.5;
  });
}

// The WebAssembly patch rows and gradient sums against the JavaScript loops, which the
// convolution parity tests hold to stock: the same bits, over paddings on every side, strides,
// channel counts that are not whole SIMD vectors (the scalar tail), filters wider than the
// image, and blocks that start mid-row and mid-batch.
const CASES: [string, [number, number, number, number], [number, number], number, 'same' | 'valid' | [[0, 0], [number, number], [number, number], [0, 0]]][] = [
  ['3×3 same, 8 channels', [2, 7, 6, 8], [3, 3], 1, 'same'],
  ['3×3 stride 2, 3 channels', [3, 9, 8, 3], [3, 3], 2, 'same'],
  ['5×5 valid, 5 channels', [2, 9, 9, 5], [5, 5], 1, 'valid'],
  ['7×7 stride 2 same, 12 channels', [2, 11, 10, 12], [7, 7], 2, 'same'],
  ['uneven explicit padding, filter wider than the image', [2, 3, 2, 6], [5, 4], 1, [[0, 0], [2, 1], [3, 0], [0, 0]]],
  ['1×3, 1 channel', [1, 4, 9, 1], [1, 3], 1, 'same'],
];

describe.each(CASES)('patch rows and their gradient: %s', (_, shape, [fh, fw], stride, pad) => {
  const info = backend_util.computeConv2DInfo(shape, [fh, fw, shape[3], 4], stride, 1, pad);
  const k = fh * fw * shape[3];
  const m = info.batchSize * info.outHeight * info.outWidth;
  const x = filled(shape.reduce((a, b) => a * b, 1), 1);
  // Blocks of 5 rows: they start mid-row and mid-image.
  const block = 5;

  it('are built in WebAssembly bit for bit as in JavaScript', () => {
    expect(simdPatchKernels()).not.toBeNull();
    const want = new Float32Array(m * k);
    const got = new Float32Array(m * k);
    const rows = new PatchRows(x, info, block);
    const scratch = new Float32Array(block * k);
    for (let m0 = 0; m0 < m; m0 += block) {
      const n = Math.min(block, m - m0);
      im2col(x, info, m0, n, want.subarray(m0 * k));
      rows.write(m0, n, scratch);
      got.set(scratch.subarray(0, n * k), m0 * k);
    }
    expect(got).toEqual(want);
  });

  it('are summed back onto the image in WebAssembly bit for bit as in JavaScript', () => {
    const cols = filled(m * k, 2);
    const want = new Float32Array(x.length);
    const scatter = new PatchScatter(info, x.length, block);
    for (let m0 = 0; m0 < m; m0 += block) {
      const n = Math.min(block, m - m0);
      col2im(cols.subarray(m0 * k), info, m0, n, want);
      scatter.add(cols.subarray(m0 * k, (m0 + n) * k), m0, n);
    }
    expect(scatter.result()).toEqual(want);
  });
});

// Where SIMD is off, or a browser refuses to grow the patch kernels' memory (stubbed: it
// cannot be provoked here), the patch rows and their sums come from the JavaScript loops.
it.each([
  ['SIMD is off', (): void => void setSimdKernels(false)],
  ['the patch kernels’ memory cannot grow', (): void => void vi.spyOn(simdPatchKernels()!, 'heap').mockReturnValue(null)],
] as const)('build and sum patch rows in JavaScript where %s', (_, fault) => {
  const info = backend_util.computeConv2DInfo([1, 4, 4, 2], [3, 3, 2, 1], 1, 1, 'same');
  const x = filled(32, 3);
  const im2colRows = vi.spyOn(simdPatchKernels()!, 'im2colRows');
  const col2imRows = vi.spyOn(simdPatchKernels()!, 'col2imRows');
  fault();
  try {
    const out = new Float32Array(16 * 18);
    new PatchRows(x, info, 16).write(0, 16, out);
    const want = new Float32Array(16 * 18);
    im2col(x, info, 0, 16, want);
    expect(out).toEqual(want);
    const scatter = new PatchScatter(info, 32, 16);
    scatter.add(want, 0, 16);
    const dx = new Float32Array(32);
    col2im(want, info, 0, 16, dx);
    expect(scatter.result()).toEqual(dx);
    expect(im2colRows).not.toHaveBeenCalled();
    expect(col2imRows).not.toHaveBeenCalled();
  } finally {
    setSimdKernels(true);
    vi.restoreAllMocks();
  }
});
