import { describe, expect, it } from 'vitest';
import { batchNormGradArrays, momentsArrays } from './batchNormKernels.ts';

function filled(size: number, seed: number, shift = 0): Float32Array {
  let state = seed;
  return Float32Array.from({ length: size }, () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648 - 0.5 + shift;
  });
}

// The definitions, row by row, each channel's sums in float64 over the rows in order: the
// kernels sum several channels at once in registers, which must not change a single bit.
function referenceMoments(x: Float32Array, channels: number) {
  const rows = x.length / channels;
  const mean = new Float64Array(channels);
  for (let r = 0; r < rows; r++) for (let c = 0; c < channels; c++) mean[c] += x[r * channels + c];
  for (let c = 0; c < channels; c++) mean[c] /= rows;
  const squares = new Float64Array(channels);
  for (let r = 0; r < rows; r++) for (let c = 0; c < channels; c++) squares[c] += (x[r * channels + c] - mean[c]) ** 2;
  return { mean: Float32Array.from(mean), variance: Float32Array.from(squares, (s) => s / rows) };
}

function referenceSums(dy: Float32Array, x: Float32Array, mean: Float32Array) {
  const channels = mean.length;
  const dBeta = new Float64Array(channels);
  const dyXc = new Float64Array(channels);
  for (let r = 0; r < x.length / channels; r++) {
    for (let c = 0; c < channels; c++) {
      dBeta[c] += dy[r * channels + c];
      dyXc[c] += dy[r * channels + c] * (x[r * channels + c] - mean[c]);
    }
  }
  return { dBeta, dyXc };
}

// Channel counts below, at and past a group of four, with a remainder; rows from one up.
describe.each([
  [1, 1],
  [5, 3],
  [7, 4],
  [33, 7],
  [64, 16],
  [10, 98],
])('batch-norm channel sums (%i rows × %i channels)', (rows, channels) => {
  const x = filled(rows * channels, 1, 2);
  const dy = filled(rows * channels, 2);

  it('moments: the mean and biased variance, bit for bit with the row-by-row definition', () => {
    expect(momentsArrays(x, channels)).toEqual(referenceMoments(x, channels));
  });

  it('gradient: dBeta, dGamma and dx, bit for bit with the row-by-row formulas', () => {
    const { mean, variance } = referenceMoments(x, channels);
    const gamma = filled(channels, 3, 1);
    const epsilon = 1e-3;
    const out = batchNormGradArrays({ dy, x, mean, variance, gamma }, epsilon);
    const { dBeta, dyXc } = referenceSums(dy, x, mean);
    expect(out.dBeta).toEqual(Float32Array.from(dBeta));
    const invStd = Array.from(variance, (v) => 1 / Math.sqrt(v + epsilon));
    const dGamma = Array.from(dyXc, (s, c) => s * invStd[c]!);
    expect(out.dGamma).toEqual(Float32Array.from(dGamma));
    // dx = a·dy + b·(x − μ) + k, the per-channel constants as the kernel folds them.
    const a = invStd.map((s, c) => gamma[c]! * s);
    const b = a.map((ac, c) => (-ac * invStd[c]! * dGamma[c]!) / rows);
    const k = a.map((ac, c) => (-ac * dBeta[c]!) / rows);
    const dx = Float32Array.from(x, (xv, i) => a[i % channels]! * dy[i]! + b[i % channels]! * (xv - mean[i % channels]!) + k[i % channels]!);
    expect(out.dx).toEqual(dx);
  });
});
