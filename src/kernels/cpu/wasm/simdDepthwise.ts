import { I32, op, type WasmFunction } from './wasmModuleBytes.ts';

/** Which pixel or tap of one image an operand of the depthwise loop is indexed by. */
export type DepthwiseRole = 'input' | 'output' | 'tap';

/**
 * A depthwise convolution's loop over one image, channel multiplier 1, channels a multiple of
 * 4: for every output pixel (oy, ox) and every tap (ky, kx) whose input pixel
 * (iy, ix) = (oy·sh − top + ky, ox·sw − left + kx) lies in the image,
 * `dst[·] += a[·] · b[·]` over the channels, four at a time, each operand's channels at
 * `base + (pixel or tap index)·cBytes`. The forward pass, the input gradient (scattered:
 * one thread, so no races) and the filter gradient are this loop with different roles.
 * Parameters: h, wd, oh, ow, kh, kw, sh, sw, top, left, cBytes, dst, a, b (bytes).
 */
export type SimdDepthwise = (h: number, wd: number, oh: number, ow: number, kh: number, kw: number, sh: number, sw: number, top: number, left: number, cBytes: number, dst: number, a: number, b: number) => void;

function depthwiseBody(roles: { dst: DepthwiseRole; a: DepthwiseRole; b: DepthwiseRole }): number[] {
  const [h, wd, oh, ow, kh, kw, sh, sw, top, left, cBytes, dstBase, aBase, bBase] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13];
  const [oy, ox, ky, kx, iy, ix, dst, pa, pb, c] = [14, 15, 16, 17, 18, 19, 20, 21, 22, 23];
  const [input, output, tap] = [24, 25, 26];
  const index: Record<DepthwiseRole, number> = { input, output, tap };
  const { get, set } = op;
  // base + index·cBytes for the operand's role.
  const address = (base: number, role: DepthwiseRole) => [...get(base), ...get(index[role]), ...get(cBytes), ...op.mul, ...op.add];
  const next = (counter: number, limit: number) => [...get(counter), ...op.i32(1), ...op.add, ...op.tee(counter), ...get(limit), ...op.ltU, ...op.brIf(0)];
  return [
    ...op.i32(0), ...set(oy),
    ...op.loop,
    ...op.i32(0), ...set(ox),
    ...op.loop,
    ...get(oy), ...get(ow), ...op.mul, ...get(ox), ...op.add, ...set(output),
    ...op.i32(0), ...set(ky),
    ...op.loop,
    // iy = oy·sh − top + ky; a row outside the image (negative reads as huge unsigned) has no taps.
    ...get(oy), ...get(sh), ...op.mul, ...get(top), ...op.sub, ...get(ky), ...op.add, ...set(iy),
    ...op.block,
    ...get(iy), ...get(h), ...op.geU, ...op.brIf(0),
    ...op.i32(0), ...set(kx),
    ...op.loop,
    ...get(ox), ...get(sw), ...op.mul, ...get(left), ...op.sub, ...get(kx), ...op.add, ...set(ix),
    ...op.block,
    ...get(ix), ...get(wd), ...op.geU, ...op.brIf(0),
    ...get(iy), ...get(wd), ...op.mul, ...get(ix), ...op.add, ...set(input),
    ...get(ky), ...get(kw), ...op.mul, ...get(kx), ...op.add, ...set(tap),
    ...address(dstBase, roles.dst), ...set(dst),
    ...address(aBase, roles.a), ...set(pa),
    ...address(bBase, roles.b), ...set(pb),
    ...op.i32(0), ...set(c),
    ...op.loop,
    ...get(dst), ...get(c), ...op.add,
    ...get(dst), ...get(c), ...op.add, ...op.load(0),
    ...get(pa), ...get(c), ...op.add, ...op.load(0),
    ...get(pb), ...get(c), ...op.add, ...op.load(0),
    ...op.f32x4Mul, ...op.f32x4Add, ...op.store(0),
    ...get(c), ...op.i32(16), ...op.add, ...op.tee(c), ...get(cBytes), ...op.ltU, ...op.brIf(0),
    ...op.end,
    ...op.end,
    ...next(kx, kw),
    ...op.end,
    ...op.end,
    ...next(ky, kh),
    ...op.end,
    ...next(ox, ow),
    ...op.end,
    ...next(oy, oh),
    ...op.end,
  ];
}

function depthwise(name: string, roles: { dst: DepthwiseRole; a: DepthwiseRole; b: DepthwiseRole }): WasmFunction {
  return { name, params: new Array<number>(14).fill(I32), locals: new Array<number>(13).fill(I32), body: depthwiseBody(roles) };
}

/**
 * The three passes: which pixels or taps each's destination and operands are indexed by
 * (the callers lay out and copy the operands by these roles too).
 */
export const DEPTHWISE_ROLES = {
  /** y[output] += x[input] · w[tap]. */
  depthwiseForward: { dst: 'output', a: 'input', b: 'tap' },
  /** dx[input] += dy[output] · w[tap]. */
  depthwiseInputGrad: { dst: 'input', a: 'output', b: 'tap' },
  /** dw[tap] += x[input] · dy[output]. */
  depthwiseFilterGrad: { dst: 'tap', a: 'input', b: 'output' },
} as const satisfies Record<string, { dst: DepthwiseRole; a: DepthwiseRole; b: DepthwiseRole }>;

export const simdDepthwiseFunctions: WasmFunction[] = Object.entries(DEPTHWISE_ROLES).map(([name, roles]) => depthwise(name, roles));
