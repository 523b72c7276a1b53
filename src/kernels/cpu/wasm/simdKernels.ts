import { CpuThreadPool, type ThreadHost } from './cpuThreadPool.ts';
import { simdAdamStep, type SimdAdamStep } from './simdAdamStep.ts';
import { simdDepthwiseFunctions, type SimdDepthwise } from './simdDepthwise.ts';
import { SIMD_ELEMENTWISE, simdElementwiseFunctions, type SimdElementwise } from './simdElementwise.ts';
import { simdGemmBlock, type SimdGemmBlock } from './simdGemmBlock.ts';
import { simdPatchFunctions, type SimdPatches } from './simdPatches.ts';
import { wasmModuleBytes } from './wasmModuleBytes.ts';

/** The parts of the WebAssembly JavaScript API used here (declared by the DOM's lib, which the Node build does not include). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  validate(bytes: Uint8Array<ArrayBuffer>): boolean;
  Module: new (bytes: Uint8Array<ArrayBuffer>) => object;
  Instance: new (module: object, imports?: object) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
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
  im2colRows: SimdPatches;
  col2imRows: SimdPatches;
  /** Same-shape arithmetic, relu and relu′ (`simdElementwise.ts`). */
  elementwise: Record<(typeof SIMD_ELEMENTWISE)[number], SimdElementwise>;
  /**
   * A view of the memory of at least `floats` values, or null when the memory cannot grow
   * that far (a browser's limit; the caller then computes in JavaScript). Views from earlier
   * calls may be stale after it.
   */
  heap(floats: number): Float32Array | null;
  /**
   * Worker threads running these same functions on this same memory, on the kernels of
   * `threaded`; call indices are `POOLED_FUNCTIONS`'. Null on the kernels `simdKernels`
   * returns.
   */
  pool: CpuThreadPool | null;
  /**
   * The same kernels on a shared memory, with worker threads (`pool`), when started
   * (`startCpuThreads`) and still usable. Only for work worth splitting: JavaScript copies in
   * and out of a shared memory are slower (measured in Node: `set` ~1.4×, `fill` ~7×), so
   * everything else stays on the unshared memory.
   */
  threaded: SimdKernels | null;
}

/** The functions a pooled call can name, by index. */
export const POOLED_FUNCTIONS = ['gemmBlock', 'depthwiseForward', 'depthwiseInputGrad', 'depthwiseFilterGrad'] as const;
export const POOLED = Object.fromEntries(POOLED_FUNCTIONS.map((name, i) => [name, i])) as Record<(typeof POOLED_FUNCTIONS)[number], number>;

/**
 * The most pages (64 KiB) the shared memory may grow to: 4 GiB, wasm32's limit, so the
 * kernels' regions are bounded by what they ask for, as with the unshared memory. A shared
 * memory reserves its maximum's address space up front (not its pages); where that cannot
 * be had, threads are not started.
 */
const SHARED_MEMORY_PAGES = 65536;

/** The module's bytes (its own memory, or an imported shared one of at most this many pages): under 4 KB (a browser's limit for compiling on its main thread), so it compiles synchronously anywhere. */
export function simdKernelsModuleBytes(sharedMemoryPages?: number): Uint8Array<ArrayBuffer> {
  return wasmModuleBytes([simdGemmBlock, simdAdamStep, ...simdDepthwiseFunctions, ...simdPatchFunctions, ...simdElementwiseFunctions], sharedMemoryPages);
}

let compiled: SimdKernels | null | undefined;
let patchInstance: SimdKernels | null | undefined;
let threaded: { pool: CpuThreadPool; kernels: SimdKernels } | undefined;
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
  return (compiled = kernelsOf(exports, exports.memory as WasmMemory, null, () => (threaded?.pool.usable ? threaded.kernels : null)));
}

/**
 * The same kernels on a memory of their own, for a convolution's image and patch rows: they
 * stay there across the GEMM calls between, which lay out their operands in the other
 * memory from its start. Null where `simdKernels` is.
 */
export function simdPatchKernels(): SimdKernels | null {
  if (!simdKernels()) return null;
  if (patchInstance !== undefined) return patchInstance;
  const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly!;
  const { exports } = new wasm.Instance(new wasm.Module(simdKernelsModuleBytes()));
  return (patchInstance = kernelsOf(exports, exports.memory as WasmMemory, null, () => null));
}

/**
 * Splits the cpu kernels' SIMD loops over `threads` threads (the calling one and
 * `threads - 1` workers started by `host`) on a shared memory; 1 (or less) stops them.
 * Resolves to the threads the kernels now use: 1 where SIMD, shared WebAssembly memory or
 * workers are missing (a browser page that is not cross-origin isolated), with `reason`.
 */
export async function startCpuThreads(threads: number, host: ThreadHost): Promise<{ threads: number; reason?: string }> {
  stopCpuThreads();
  if (threads <= 1) return { threads: 1 };
  const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (!wasm?.validate(simdKernelsModuleBytes())) return { threads: 1, reason: 'no WebAssembly SIMD here' };
  if (typeof SharedArrayBuffer !== 'function') return { threads: 1, reason: 'no SharedArrayBuffer here (a browser page must be cross-origin isolated)' };
  const bytes = simdKernelsModuleBytes(SHARED_MEMORY_PAGES);
  let memory: WasmMemory;
  try {
    memory = new wasm.Memory({ initial: 1, maximum: SHARED_MEMORY_PAGES, shared: true });
  } catch (error) {
    return { threads: 1, reason: `no shared WebAssembly memory: ${error instanceof Error ? error.message : String(error)}` };
  }
  const { exports } = new wasm.Instance(new wasm.Module(bytes), { env: { memory } });
  const local = POOLED_FUNCTIONS.map((name) => exports[name] as (...args: number[]) => void);
  let pool: CpuThreadPool;
  try {
    pool = await CpuThreadPool.start({ threads, host, bytes, memory, names: [...POOLED_FUNCTIONS], local });
  } catch (error) {
    return { threads: 1, reason: error instanceof Error ? error.message : String(error) };
  }
  threaded = { pool, kernels: kernelsOf(exports, memory, pool, () => null) };
  return { threads };
}

/** Ends the worker threads, if any; the kernels go on in one thread. */
export function stopCpuThreads(): void {
  threaded?.pool.stop();
  threaded = undefined;
}

/** How the cpu kernels' inner loops run, as a run's record and the bench name it: "WebAssembly SIMD", and ", N threads" when split. */
export function simdKernelsLabel(threads: number): string {
  return `WebAssembly SIMD${threads > 1 ? `, ${threads} threads` : ''}`;
}

/** Threads the cpu kernels split their loops over now (1 when SIMD is off or no workers run). */
export function cpuThreads(): number {
  return simdKernels()?.threaded?.pool?.threads ?? 1;
}

function kernelsOf(exports: Record<string, unknown>, memory: WasmMemory, pool: CpuThreadPool | null, threadedKernels: () => SimdKernels | null): SimdKernels {
  let view = new Float32Array(memory.buffer);
  return {
    gemmBlock: exports.gemmBlock as SimdGemmBlock,
    adamStep: exports.adamStep as SimdAdamStep,
    depthwiseForward: exports.depthwiseForward as SimdDepthwise,
    depthwiseInputGrad: exports.depthwiseInputGrad as SimdDepthwise,
    depthwiseFilterGrad: exports.depthwiseFilterGrad as SimdDepthwise,
    im2colRows: exports.im2colRows as SimdPatches,
    col2imRows: exports.col2imRows as SimdPatches,
    elementwise: Object.fromEntries(SIMD_ELEMENTWISE.map((name) => [name, exports[name] as SimdElementwise])) as SimdKernels['elementwise'],
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
    pool,
    get threaded() {
      return threadedKernels();
    },
  };
}

let zeros = new Float32Array(0);

/** Zeroes `heap[start, end)`: by `fill` on an unshared memory, by copying zeros on a shared one, where `fill` is several times slower. */
export function zeroHeap(heap: Float32Array, start: number, end: number): void {
  if (typeof SharedArrayBuffer === 'undefined' || !(heap.buffer instanceof SharedArrayBuffer)) {
    heap.fill(0, start, end);
    return;
  }
  if (zeros.length < end - start) zeros = new Float32Array(end - start);
  heap.set(zeros.subarray(0, end - start), start);
}
