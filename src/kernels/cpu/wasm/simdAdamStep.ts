import { F32, I32, op, V128, type WasmFunction } from './wasmModuleBytes.ts';

/**
 * `adamStep(bytes, p, g, m, v, l2, shrink, beta1, oneMinusBeta1, beta2, oneMinusBeta2,
 * biasCorrection2Sqrt, eps, stepSize)`: `adamUpdateArrays`' step over `bytes` (a multiple of
 * 16) of float32 values at byte offsets p, g, m, v, writing param', m', v' over p, m, v.
 * Each f32x4 operation is rounded to float32 exactly as `adamUpdateArrays` rounds each
 * operation with Math.fround (one IEEE operation on float32 values, rounded once), and in the
 * same order, so the two give the same bits; four values an instruction.
 */
export type SimdAdamStep = (bytes: number, p: number, g: number, m: number, v: number, l2: number, shrink: number, beta1: number, oneMinusBeta1: number, beta2: number, oneMinusBeta2: number, biasCorrection2Sqrt: number, eps: number, stepSize: number) => void;

function adamStepBody(): number[] {
  const [bytes, p, g, m, v] = [0, 1, 2, 3, 4];
  const scalars = [5, 6, 7, 8, 9, 10, 11, 12, 13];
  const at = 14;
  // Locals: each scalar splat to four lanes once, then the values of one step.
  const lanes = (scalar: number) => 15 + scalars.indexOf(scalar);
  const [l2, shrink, beta1, oneMinusBeta1, beta2, oneMinusBeta2, bc2, eps, stepSize] = scalars.map(lanes);
  const [pv, gv, mNext, vNext] = [24, 25, 26, 27];
  const binary = (left: number[], right: number[], instruction: number[]) => [...left, ...right, ...instruction];
  const get = op.get;
  return [
    ...scalars.flatMap((s) => [...get(s), ...op.f32x4Splat, ...op.set(lanes(s))]),
    ...op.i32(0), ...op.set(at),
    ...op.loop,
    ...get(p), ...get(at), ...op.add, ...op.load(0), ...op.set(pv),
    ...get(g), ...get(at), ...op.add, ...op.load(0), ...op.set(gv),
    // grad = g + p·l2 where there is L2 decay; param = p·shrink where there is AdamW's.
    ...get(scalars[0]), ...op.f32(0), ...op.f32Ne, ...op.if,
    ...binary(get(gv), binary(get(pv), get(l2), op.f32x4Mul), op.f32x4Add), ...op.set(gv),
    ...op.end,
    ...get(scalars[1]), ...op.f32(1), ...op.f32Ne, ...op.if,
    ...binary(get(pv), get(shrink), op.f32x4Mul), ...op.set(pv),
    ...op.end,
    // m' = m·β1 + grad·(1−β1); v' = v·β2 + (grad·grad)·(1−β2).
    ...binary(binary([...get(m), ...get(at), ...op.add, ...op.load(0)], get(beta1), op.f32x4Mul), binary(get(gv), get(oneMinusBeta1), op.f32x4Mul), op.f32x4Add), ...op.set(mNext),
    ...binary(binary([...get(v), ...get(at), ...op.add, ...op.load(0)], get(beta2), op.f32x4Mul), binary(binary(get(gv), get(gv), op.f32x4Mul), get(oneMinusBeta2), op.f32x4Mul), op.f32x4Add), ...op.set(vNext),
    // param' = param − (m' / (√v' / bc2 + ε))·stepSize.
    ...get(p), ...get(at), ...op.add,
    ...binary(get(pv), binary(binary(get(mNext), binary(binary([...get(vNext), ...op.f32x4Sqrt], get(bc2), op.f32x4Div), get(eps), op.f32x4Add), op.f32x4Div), get(stepSize), op.f32x4Mul), op.f32x4Sub),
    ...op.store(0),
    ...get(m), ...get(at), ...op.add, ...get(mNext), ...op.store(0),
    ...get(v), ...get(at), ...op.add, ...get(vNext), ...op.store(0),
    ...get(at), ...op.i32(16), ...op.add, ...op.tee(at), ...get(bytes), ...op.ltU, ...op.brIf(0),
    ...op.end,
  ];
}

export const simdAdamStep: WasmFunction = {
  name: 'adamStep',
  params: [I32, I32, I32, I32, I32, ...new Array<number>(9).fill(F32)],
  locals: [I32, ...new Array<number>(13).fill(V128)],
  body: adamStepBody(),
};
