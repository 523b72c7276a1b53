import { I32, op, V128, type WasmFunction } from './wasmModuleBytes.ts';

/**
 * Columns of the register tile, whose rows are the JavaScript kernel's 4: 8 `f32x4`
 * accumulators (a 4×8 tile) leave the rest of x86's 16 SIMD registers for the operands.
 */
export const SIMD_NR = 8;

/**
 * `gemmBlock(kc, mPanels, nPanels, a, aPanel, aRow, aDepth, b, bPanel, bDepth, c, cRow)`
 * (all offsets in bytes) does `C += A·B`, `kc` deep, for an A of `mPanels` 4-row panels,
 * element (row r of panel i, depth p) at `a + i·aPanel + r·aRow + p·aDepth`, and a B of
 * `nPanels` 8-column panels, columns j..j+7 of panel j/8 at depth p at
 * `b + (j/8)·bPanel + p·bDepth` — so either can be packed or read where it lies, row-major or
 * (A) transposed — into a row-major C at `c` with rows `cRow` apart, whose current values the
 * sums start from. A tile's rows and columns past the matrices' edges read whatever is in
 * memory there and give sums the caller ignores.
 */
export type SimdGemmBlock = (kc: number, mPanels: number, nPanels: number, a: number, aPanel: number, aRow: number, aDepth: number, b: number, bPanel: number, bDepth: number, c: number, cRow: number) => void;

function gemmBlockBody(): number[] {
  // Parameters, then locals: i32s, then v128s.
  const [kc, mPanels, nPanels, aBase, aPanelBytes, aRowBytes, aDepthBytes, bBase, bPanelBytes, bDepthBytes, cBase, cRowBytes] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
  const [jp, ip, p, pb, c, row] = [12, 13, 14, 15, 16, 17];
  const pa = (r: number) => 18 + r;
  const acc = (i: number) => 22 + i;
  const [b0, b1, a] = [30, 31, 32];
  // acc[2r] += a·b0 and acc[2r+1] += a·b1 for row r of the A panel, broadcast from memory; then row r's next depth.
  const multiply = (r: number) => [
    ...op.get(pa(r)), ...op.loadSplat(0), ...op.set(a),
    ...op.get(acc(2 * r)), ...op.get(a), ...op.get(b0), ...op.f32x4Mul, ...op.f32x4Add, ...op.set(acc(2 * r)),
    ...op.get(acc(2 * r + 1)), ...op.get(a), ...op.get(b1), ...op.f32x4Mul, ...op.f32x4Add, ...op.set(acc(2 * r + 1)),
    ...op.get(pa(r)), ...op.get(aDepthBytes), ...op.add, ...op.set(pa(r)),
  ];
  // Row r of the tile, 8 floats at `row`, into or out of its two accumulators; `row` moves to the next.
  const nextRow = [...op.get(row), ...op.get(cRowBytes), ...op.add, ...op.set(row)];
  const loadRow = (r: number) => [
    ...op.get(row), ...op.load(0), ...op.set(acc(2 * r)),
    ...op.get(row), ...op.load(16), ...op.set(acc(2 * r + 1)),
    ...nextRow,
  ];
  const storeRow = (r: number) => [
    ...op.get(row), ...op.get(acc(2 * r)), ...op.store(0),
    ...op.get(row), ...op.get(acc(2 * r + 1)), ...op.store(16),
    ...nextRow,
  ];
  const code = [
    ...op.i32(0), ...op.set(jp),
    ...op.loop,
    ...op.i32(0), ...op.set(ip),
    ...op.loop,
    // c = cBase + ip·4·cRowBytes + jp·32: the tile's first float, whose current values the sums start from.
    ...op.get(cBase), ...op.get(ip), ...op.i32(4), ...op.mul, ...op.get(cRowBytes), ...op.mul, ...op.add,
    ...op.get(jp), ...op.i32(32), ...op.mul, ...op.add, ...op.tee(c), ...op.set(row),
    ...loadRow(0), ...loadRow(1), ...loadRow(2), ...loadRow(3),
    // The panels' starts: A's four rows at aBase + ip·aPanelBytes + r·aRowBytes, B's at bBase + jp·bPanelBytes.
    ...op.get(aBase), ...op.get(ip), ...op.get(aPanelBytes), ...op.mul, ...op.add, ...op.set(pa(0)),
    ...[1, 2, 3].flatMap((r) => [...op.get(pa(r - 1)), ...op.get(aRowBytes), ...op.add, ...op.set(pa(r))]),
    ...op.get(bBase), ...op.get(jp), ...op.get(bPanelBytes), ...op.mul, ...op.add, ...op.set(pb),
    ...op.get(kc), ...op.set(p),
    ...op.loop,
    ...op.get(pb), ...op.load(0), ...op.set(b0),
    ...op.get(pb), ...op.load(16), ...op.set(b1),
    ...multiply(0), ...multiply(1), ...multiply(2), ...multiply(3),
    ...op.get(pb), ...op.get(bDepthBytes), ...op.add, ...op.set(pb),
    ...op.get(p), ...op.i32(1), ...op.sub, ...op.tee(p), ...op.brIf(0),
    ...op.end,
    ...op.get(c), ...op.set(row),
    ...storeRow(0), ...storeRow(1), ...storeRow(2), ...storeRow(3),
    ...op.get(ip), ...op.i32(1), ...op.add, ...op.tee(ip), ...op.get(mPanels), ...op.ltU, ...op.brIf(0),
    ...op.end,
    ...op.get(jp), ...op.i32(1), ...op.add, ...op.tee(jp), ...op.get(nPanels), ...op.ltU, ...op.brIf(0),
    ...op.end,
  ];

  return code;
}

export const simdGemmBlock: WasmFunction = {
  name: 'gemmBlock',
  params: new Array<number>(12).fill(I32),
  locals: [...new Array<number>(10).fill(I32), ...new Array<number>(11).fill(V128)],
  body: gemmBlockBody(),
};
