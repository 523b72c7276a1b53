import { I32, op, V128, type WasmFunction } from './wasmModuleBytes.ts';

/**
 * `fn(bytes, a, b, out)`: one element-wise pass over `bytes` (a positive multiple of 16) of
 * float32 values at byte offsets a (and b), writing out (which may be a or b). Four values an
 * instruction; each lane is one IEEE float32 operation, so the values are the JavaScript
 * loops' bit for bit (`Math.fround` of a float64 sum, difference, product or quotient of two
 * float32 values is the float32 operation). relu keeps x's bits where x > 0 or x is NaN and
 * is +0 elsewhere, relu′ keeps dy's bits where x > 0: the masks `fastUnary` and
 * `activationGradArrays` select by.
 */
export type SimdElementwise = (bytes: number, a: number, b: number, out: number) => void;

const [bytes, a, b, out, at, x, zero] = [0, 1, 2, 3, 4, 5, 6];
const { get, set, tee } = op;
const load = (base: number) => [...get(base), ...get(at), ...op.add, ...op.load(0)];

function elementwise(name: string, lanes: number[]): WasmFunction {
  return {
    name,
    params: [I32, I32, I32, I32],
    locals: [I32, V128, V128],
    body: [
      ...op.f32(0), ...op.f32x4Splat, ...set(zero),
      ...op.i32(0), ...set(at),
      ...op.loop,
      ...get(out), ...get(at), ...op.add, ...lanes, ...op.store(0),
      ...get(at), ...op.i32(16), ...op.add, ...tee(at), ...get(bytes), ...op.ltU, ...op.brIf(0),
      ...op.end,
    ],
  };
}

const binary = (instruction: number[]) => [...load(a), ...load(b), ...instruction];

export const simdElementwiseFunctions: WasmFunction[] = [
  elementwise('addF32', binary(op.f32x4Add)),
  elementwise('subF32', binary(op.f32x4Sub)),
  elementwise('mulF32', binary(op.f32x4Mul)),
  elementwise('divF32', binary(op.f32x4Div)),
  // x & (x > 0 | x ≠ x)
  elementwise('reluF32', [...load(a), ...tee(x), ...get(x), ...get(zero), ...op.f32x4Gt, ...get(x), ...get(x), ...op.f32x4Ne, ...op.v128Or, ...op.v128And]),
  // dy & (x > 0), dy at a, x at b
  elementwise('reluGradF32', [...load(a), ...load(b), ...get(zero), ...op.f32x4Gt, ...op.v128And]),
];

export const SIMD_ELEMENTWISE = ['addF32', 'subF32', 'mulF32', 'divF32', 'reluF32', 'reluGradF32'] as const;
