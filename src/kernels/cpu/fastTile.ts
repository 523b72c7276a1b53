import { Tile } from '@tensorflow/tfjs-core';
import type { TileAttrs } from '@tensorflow/tfjs-core';
import type { FastKernel } from './fastKernel.ts';
import { float32Values } from './fastKernel.ts';
import { float32Pool } from './float32Pool.ts';

/**
 * Writes x tiled along axes `[d, rank)` at `out[o..]`: each slice along axis d is tiled
 * recursively once, then the whole tiled block is copied `reps[d] - 1` more times.
 */
function tileFrom(x: Float32Array, xo: number, shape: number[], reps: number[], d: number, out: Float32Array, o: number): number {
  const rank = shape.length;
  const start = o;
  if (d === rank - 1) {
    const row = x.subarray(xo, xo + shape[d]);
    for (let r = 0; r < reps[d]; r++, o += shape[d]) out.set(row, o);
    return o;
  }
  let sliceSize = 1;
  for (let i = d + 1; i < rank; i++) sliceSize *= shape[i];
  for (let i = 0; i < shape[d]; i++) o = tileFrom(x, xo + i * sliceSize, shape, reps, d + 1, out, o);
  const block = o - start;
  for (let r = 1; r < reps[d]; r++, o += block) out.copyWithin(o, start, start + block);
  return o;
}

/** Float32 Tile by block copies instead of the stock kernel's per-element index arithmetic. */
export const fastTile: FastKernel = {
  kernelName: Tile,
  run({ inputs, backend, attrs }) {
    const { x } = inputs;
    const { reps } = attrs as unknown as TileAttrs;
    const values = float32Values(backend, x);
    if (!values || x.shape.length === 0 || reps.length !== x.shape.length) return undefined;
    const shape = x.shape.map((s, i) => s * reps[i]);
    const out = float32Pool.zeros(shape.reduce((p, s) => p * s, 1));
    if (out.length > 0) tileFrom(values, 0, x.shape, reps, 0, out, 0);
    return backend.makeTensorInfo(shape, 'float32', out);
  },
};
