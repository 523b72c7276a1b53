import { I32, op, type WasmFunction } from './wasmModuleBytes.ts';

/**
 * `im2colRows(x, h, w, cBytes, oh, ow, kh, kw, sh, sw, top, left, b, oy, ox, rows, out)` writes
 * `rows` rows of a convolution's patch matrix (the layout of `im2col.ts`: output pixel
 * (b, oy, ox) and those after it in row-major order; per filter row ky, its kw taps'
 * channels, zero in the padding) to `out`, from the NHWC image batch at `x`; `cBytes` is a
 * pixel's channels in bytes. `col2imRows` (same parameters, `x` being the patch rows and
 * `out` the image gradient) adds each patch entry back onto the pixel it came from, four
 * floats at a time, then one by one. Dilation 1; offsets in bytes.
 */
export type SimdPatches = (...args: number[]) => void;

const [x, h, w, cBytes, , ow, kh, kw, sh, sw, top, left, b, oy, ox, rows, out] = Array.from({ length: 17 }, (_, i) => i);
const [r, ky, iy, ix0, kx0, kx1, row, src, dst, t, len, oh] = [17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 4];
const { get, set, tee } = op;

/** Per output pixel: ix0 = ox·sw − left and the taps [kx0, kx1) that fall inside the image (none when kx1 ≤ kx0). */
const columns = [
  ...get(ox), ...get(sw), ...op.mul, ...get(left), ...op.sub, ...set(ix0),
  // kx0 = min(kw, max(0, −ix0))
  ...op.i32(0), ...get(ix0), ...op.sub, ...op.i32(0), ...op.i32(0), ...get(ix0), ...op.sub, ...op.i32(0), ...op.gtS, ...op.select, ...set(kx0),
  ...get(kw), ...get(kx0), ...get(kx0), ...get(kw), ...op.gtS, ...op.select, ...set(kx0),
  // kx1 = min(kw, w − ix0)
  ...get(w), ...get(ix0), ...op.sub, ...set(kx1),
  ...get(kw), ...get(kx1), ...get(kx1), ...get(kw), ...op.gtS, ...op.select, ...set(kx1),
];

/** iy = oy·sh − top + ky, and whether row ky of the filter meets the image here (iy in [0, h), kx0 < kx1): left on the stack. */
const rowInside = [
  ...get(oy), ...get(sh), ...op.mul, ...get(top), ...op.sub, ...get(ky), ...op.add, ...tee(iy),
  // A negative iy reads as a huge unsigned number.
  ...get(h), ...op.ltU, ...get(kx0), ...get(kx1), ...op.ltU, ...op.mul,
];

/** src-or-dst = base + ((b·h + iy)·w + ix0 + kx0)·cBytes: the image pixel of tap kx0. */
const pixel = (base: number) => [
  ...get(base), ...get(b), ...get(h), ...op.mul, ...get(iy), ...op.add, ...get(w), ...op.mul, ...get(ix0), ...op.add, ...get(kx0), ...op.add, ...get(cBytes), ...op.mul, ...op.add,
];

/** The next output pixel: ox, then oy, then b. */
const advance = [
  ...get(ox), ...op.i32(1), ...op.add, ...tee(ox), ...get(ow), ...op.geU,
  ...op.if,
  ...op.i32(0), ...set(ox),
  ...get(oy), ...op.i32(1), ...op.add, ...tee(oy), ...get(oh), ...op.geU,
  ...op.if,
  ...op.i32(0), ...set(oy),
  ...get(b), ...op.i32(1), ...op.add, ...set(b),
  ...op.end,
  ...op.end,
];

/** Loops `rows` output pixels and, in each, the kh filter rows; `perRow` writes one filter row at `row` (kw·cBytes bytes of the patch row). */
function overRows(perRow: number[]): number[] {
  return [
    ...op.block,
    ...get(rows), ...op.i32(0), ...op.leU, ...op.brIf(0),
    ...get(out), ...set(row),
    ...op.i32(0), ...set(r),
    ...op.loop,
    ...columns,
    ...op.i32(0), ...set(ky),
    ...op.loop,
    ...perRow,
    ...get(row), ...get(kw), ...get(cBytes), ...op.mul, ...op.add, ...set(row),
    ...get(ky), ...op.i32(1), ...op.add, ...tee(ky), ...get(kh), ...op.ltU, ...op.brIf(0),
    ...op.end,
    ...advance,
    ...get(r), ...op.i32(1), ...op.add, ...tee(r), ...get(rows), ...op.ltU, ...op.brIf(0),
    ...op.end,
    ...op.end,
  ];
}

/** For t over [0, len) bytes: `wide` at each 16 while 16 remain, then `narrow` at each 4 (len is a multiple of 4). */
const byVectors = (wide: number[], narrow: number[]) => [
  ...op.i32(0), ...set(t),
  ...op.block,
  ...op.loop,
  ...get(t), ...op.i32(16), ...op.add, ...get(len), ...op.gtS, ...op.brIf(1),
  ...wide,
  ...get(t), ...op.i32(16), ...op.add, ...set(t),
  ...op.br(0),
  ...op.end,
  ...op.end,
  ...op.block,
  ...op.loop,
  ...get(t), ...get(len), ...op.geU, ...op.brIf(1),
  ...narrow,
  ...get(t), ...op.i32(4), ...op.add, ...set(t),
  ...op.br(0),
  ...op.end,
  ...op.end,
];
const at = (base: number) => [...get(base), ...get(t), ...op.add];

/**
 * `bytes` from `from` to `to`, 16 at a time then 4: a run of taps is a few dozen bytes, where
 * a `memory.copy` call costs more than the copy.
 */
const copyRun = (to: number[], from: number[], bytes: number[]) => [
  ...from, ...set(src), ...to, ...set(dst), ...bytes, ...set(len),
  ...byVectors([...at(dst), ...at(src), ...op.load(0), ...op.store(0)], [...at(dst), ...at(src), ...op.i32Load(0), ...op.i32Store(0)]),
];

/** Zeros over `bytes` from `to`, by `memory.fill` and only when there are any (most pixels have no padding). */
const zeros = (to: number[], bytes: number[]) => [...bytes, ...op.if, ...to, ...op.i32(0), ...bytes, ...op.memoryFill, ...op.end];

const im2colBody = overRows([
  ...rowInside,
  ...op.if,
  // Zeros for the taps left of the image, the run of taps inside copied, zeros for those right of it.
  ...zeros(get(row), [...get(kx0), ...get(cBytes), ...op.mul]),
  ...copyRun([...get(row), ...get(kx0), ...get(cBytes), ...op.mul, ...op.add], pixel(x), [...get(kx1), ...get(kx0), ...op.sub, ...get(cBytes), ...op.mul]),
  ...zeros([...get(row), ...get(kx1), ...get(cBytes), ...op.mul, ...op.add], [...get(kw), ...get(kx1), ...op.sub, ...get(cBytes), ...op.mul]),
  ...op.else,
  ...get(row), ...op.i32(0), ...get(kw), ...get(cBytes), ...op.mul, ...op.memoryFill,
  ...op.end,
]);

// Here `x` is the patch rows (read at `row`) and `out` the image gradient; `row` walks the
// patch rows exactly as im2col's writes do, so overRows serves both.
const col2imBody = overRows([
  ...rowInside,
  ...op.if,
  ...get(row), ...get(out), ...op.sub, ...get(x), ...op.add, ...get(kx0), ...get(cBytes), ...op.mul, ...op.add, ...set(src),
  ...pixel(out), ...set(dst),
  ...get(kx1), ...get(kx0), ...op.sub, ...get(cBytes), ...op.mul, ...set(len),
  // Four floats an addition while 16 bytes remain, then one at a time.
  ...byVectors([...at(dst), ...at(dst), ...op.load(0), ...at(src), ...op.load(0), ...op.f32x4Add, ...op.store(0)], [...at(dst), ...at(dst), ...op.f32Load(0), ...at(src), ...op.f32Load(0), ...op.f32Add, ...op.f32Store(0)]),
  ...op.end,
]);

const params = new Array<number>(17).fill(I32);
const locals = new Array<number>(11).fill(I32);

export const simdPatchFunctions: WasmFunction[] = [
  { name: 'im2colRows', params, locals, body: im2colBody },
  { name: 'col2imRows', params, locals, body: col2imBody },
];
