import { simdAdamStep, type SimdAdamStep } from './simdAdamStep.ts';
import { simdDepthwiseFunctions, type SimdDepthwise } from './simdDepthwise.ts';
import { simdGemmBlock, type SimdGemmBlock } from './simdGemmBlock.ts';
import { wasmModuleBytes } from './wasmModuleBytes.ts';

/** The parts of the WebAssembly JavaScript API used here (declared by the DOM's lib, which the Node build does not include). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  validate(bytes: Uint8Array<ArrayBuffer>): boolean;
  Module: new (bytes: Uint8Array<ArrayBuffer>) => object;
  Instance: new (module: object) => { exports: Record<string, unknown> };
}

/**
 * The cpu kernels' WebAssembly SIMD inner loops (GEMM, Adam, depthwise convolutions),
 * sharing one memory the callers copy their operands into (kernels run one at a time on the
 * JavaScript thread). JavaScript computes float32 values as float64 scalars, a conversion
 * per load; `f32x4` does four per instruction without them.
 */
export interface SimdKernels {
  gemmBlock: SimdGemmBlock;
  adamStep: SimdAdamStep;
  depthwiseForward: SimdDepthwise;
  depthwiseInputGrad: SimdDepthwise;
  depthwiseFilterGrad: SimdDepthwise;
  /**
   * A view of the memory of at least `floats` values, or null when the memory cannot grow
   * that far (a browser's limit; the caller then computes in JavaScript). Views from earlier
   * calls may be stale after it.
   */
  heap(floats: number): Float32Array | null;
}

/** The module's bytes: under 2 KB, so it compiles synchronously even on a browser's main thread. */
export function simdKernelsModuleBytes(): Uint8Array<ArrayBuffer> {
  return wasmModuleBytes([simdGemmBlock, simdAdamStep, ...simdDepthwiseFunctions]);
}

let compiled: SimdKernels | null | undefined;
let enabled = true;

/**
 * Whether the cpu kernels may use WebAssembly SIMD (where the runtime has it); returns the
 * previous setting. Off, they compute in JavaScript: for tests of both paths, and for the
 * bench's figure of what SIMD adds.
 */
export function setSimdKernels(on: boolean): boolean {
  const previous = enabled;
  enabled = on;
  return previous;
}

/** The kernels, or null when turned off or where WebAssembly or its SIMD instructions are missing. Compiled once. */
export function simdKernels(): SimdKernels | null {
  if (!enabled) return null;
  if (compiled !== undefined) return compiled;
  const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  const bytes = simdKernelsModuleBytes();
  if (!wasm?.validate(bytes)) return (compiled = null);
  const { exports } = new wasm.Instance(new wasm.Module(bytes));
  const memory = exports.memory as WasmMemory;
  let view = new Float32Array(memory.buffer);
  return (compiled = {
    gemmBlock: exports.gemmBlock as SimdGemmBlock,
    adamStep: exports.adamStep as SimdAdamStep,
    depthwiseForward: exports.depthwiseForward as SimdDepthwise,
    depthwiseInputGrad: exports.depthwiseInputGrad as SimdDepthwise,
    depthwiseFilterGrad: exports.depthwiseFilterGrad as SimdDepthwise,
    heap(floats) {
      const pages = Math.ceil((4 * floats) / 65536) - memory.buffer.byteLength / 65536;
      if (pages > 0) {
        try {
          memory.grow(pages);
        } catch {
          return null;
        }
      }
      if (view.buffer !== memory.buffer) view = new Float32Array(memory.buffer);
      return view;
    },
  });
}
