import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { BackendValues, DataId, DataType } from '@tensorflow/tfjs-core';

/**
 * Output arrays for the fast cpu kernels, reused once the tensor they held is disposed.
 *
 * tfjs-cpu gives every op a new `Float32Array`. A large one is a fresh mapping from the
 * system (glibc and Chromium's allocator both map and unmap big blocks), so the kernel that
 * first writes it pays a page fault per 4 KiB, and the garbage collector runs for the
 * released ones: in a face-api expression-net step on this project's 2-core VM, 600 thousand
 * page faults and an eighth of the time in collection over two epochs. A training step
 * allocates the same sizes in the same order every time, so arrays handed back when their
 * tensors are disposed serve the next step's outputs from memory already mapped and warm.
 *
 * An array may only be reused when nothing can still read it, so the pool watches the cpu
 * backend's own bookkeeping (its methods are wrapped on the instance):
 * - `write` / `move` (every tensor the backend stores, a kernel's output included): a
 *   pooled array's buffer gains a holder; a stock kernel that returns a view of its input
 *   (a simple slice's `subarray`) is a second holder of the same buffer;
 * - `disposeData`: when a holder's data is deleted, the buffer loses it, and with none left
 *   the array goes back to the pool;
 * - `readSync` (under `dataSync`, `data`, `array`, `bufferSync`, a move to another backend):
 *   the values leave tfjs' hands, so that buffer is never reused.
 * Arrays tfjs or the caller made (`tf.tensor(values)`, stock kernels) are never pooled.
 */
const WRAPPED = ['write', 'move', 'readSync', 'disposeData'] as const;

export class Float32Pool {
  /** Below this many values an allocation is cheap (no mapping of its own) and not worth tracking. */
  static readonly MIN_LENGTH = 4096;

  private backend: MathBackendCPU | undefined;
  /** A backend whose methods someone else had wrapped already: not pooled. */
  private refused: MathBackendCPU | undefined;
  private restore: (() => void) | undefined;
  /** Every array the pool made, by buffer, while it is in use or free. */
  private owned = new WeakMap<ArrayBufferLike, Float32Array>();
  /** Live data entries holding each pooled buffer. */
  private holders = new Map<ArrayBufferLike, number>();
  private escaped = new WeakSet<ArrayBufferLike>();
  private free = new Map<number, Float32Array[]>();
  /** The free arrays, least recently released first: what makes room when the pool is full. */
  private freeOrder = new Set<Float32Array>();
  private freeBytes = 0;
  private enabled = false;

  constructor(
    /**
     * The most bytes kept free between uses. Beyond it the arrays released longest ago go to
     * the garbage collector: a new model's sizes replace the last one's.
     */
    readonly capacityBytes: number,
  ) {}

  /** Turns reuse on (the fast kernels' `register()`) or off, dropping every free array and the wrappers. */
  setEnabled(on: boolean): void {
    this.enabled = on;
    if (!on) {
      this.detach();
      this.refused = undefined;
    }
  }

  /** What the pool holds now: for tests and the bench. */
  stats(): { freeArrays: number; freeBytes: number; inUse: number } {
    let freeArrays = 0;
    for (const list of this.free.values()) freeArrays += list.length;
    return { freeArrays, freeBytes: this.freeBytes, inUse: this.holders.size };
  }

  /** Called as a fast kernel starts on `backend`: outputs are pooled for that backend instance (a new one, say after `tf.removeBackend`, replaces the last). */
  use(backend: MathBackendCPU): void {
    if (this.enabled && backend !== this.backend && backend !== this.refused) {
      if (!this.attach(backend)) this.refused = backend;
    }
  }

  /** An output of `length` zeros (for a kernel that accumulates into its output). */
  zeros(length: number): Float32Array {
    const reused = this.take(length);
    return reused ? reused.fill(0) : this.make(length);
  }

  /** An output of `length` values whose contents are unspecified: only for a kernel that writes every value. */
  uninitialized(length: number): Float32Array {
    return this.take(length) ?? this.make(length);
  }

  private take(length: number): Float32Array | undefined {
    if (!this.backend || length < Float32Pool.MIN_LENGTH) return undefined;
    const array = this.free.get(length)?.pop();
    if (array) {
      this.freeBytes -= array.byteLength;
      this.freeOrder.delete(array);
    }
    return array;
  }

  private make(length: number): Float32Array {
    const array = new Float32Array(length);
    if (this.backend && length >= Float32Pool.MIN_LENGTH) this.owned.set(array.buffer, array);
    return array;
  }

  private hold(values: BackendValues | null | undefined): void {
    const buffer = (values as ArrayBufferView | null | undefined)?.buffer;
    if (buffer && this.owned.has(buffer)) this.holders.set(buffer, (this.holders.get(buffer) ?? 0) + 1);
  }

  private release(values: BackendValues | null | undefined): void {
    const buffer = (values as ArrayBufferView | null | undefined)?.buffer;
    const count = buffer && this.holders.get(buffer);
    if (!buffer || !count) return;
    if (count > 1) {
      this.holders.set(buffer, count - 1);
      return;
    }
    this.holders.delete(buffer);
    const array = this.owned.get(buffer)!;
    if (this.escaped.has(buffer) || array.byteLength > this.capacityBytes) return;
    for (const oldest of this.freeOrder) {
      if (this.freeBytes + array.byteLength <= this.capacityBytes) break;
      const list = this.free.get(oldest.length)!;
      list.splice(list.indexOf(oldest), 1);
      this.freeOrder.delete(oldest);
      this.freeBytes -= oldest.byteLength;
    }
    const list = this.free.get(array.length);
    if (list) list.push(array);
    else this.free.set(array.length, [array]);
    this.freeOrder.add(array);
    this.freeBytes += array.byteLength;
  }

  private escape(values: BackendValues | null | undefined): void {
    const buffer = (values as ArrayBufferView | null | undefined)?.buffer;
    if (buffer && this.owned.has(buffer)) this.escaped.add(buffer);
  }

  /** Wraps the backend instance's bookkeeping, unless something else already has (a new backend instance, say after `tf.removeBackend`, is attached on its first pooled output). */
  private attach(backend: MathBackendCPU): boolean {
    this.detach();
    // Someone else's wrappers (another pool) would be lost on detach: then this pool stays out.
    if (WRAPPED.some((name) => Object.prototype.hasOwnProperty.call(backend, name))) return false;
    const { write, move, readSync, disposeData } = backend;
    const data = backend.data;
    backend.write = (values: BackendValues, shape: number[], dtype: DataType): DataId => {
      const dataId = write.call(backend, values, shape, dtype);
      this.hold(values);
      return dataId;
    };
    backend.move = (dataId: DataId, values: BackendValues, shape: number[], dtype: DataType, refCount: number): void => {
      if (data.has(dataId)) this.release(data.get(dataId).values);
      move.call(backend, dataId, values, shape, dtype, refCount);
      this.hold(values);
    };
    backend.readSync = (dataId: DataId): BackendValues => {
      // `has` first: the storage's `get` of an unknown id would ask the engine to move data here.
      if (data.has(dataId)) this.escape(data.get(dataId).values);
      return readSync.call(backend, dataId);
    };
    backend.disposeData = (dataId: DataId, force?: boolean): boolean => {
      const values = data.has(dataId) ? data.get(dataId).values : undefined;
      const disposed = disposeData.call(backend, dataId, force);
      if (values && !data.has(dataId)) this.release(values);
      return disposed;
    };
    this.backend = backend;
    this.restore = () => {
      // The methods were the class's: deleting the instance's own wrappers puts them back.
      for (const name of WRAPPED) delete (backend as unknown as Record<string, unknown>)[name];
    };
    return true;
  }

  private detach(): void {
    this.restore?.();
    this.restore = undefined;
    this.backend = undefined;
    this.owned = new WeakMap();
    this.holders.clear();
    this.escaped = new WeakSet();
    this.free.clear();
    this.freeOrder.clear();
    this.freeBytes = 0;
  }
}

/** The fast cpu kernels' pool: 256 MiB free at most (a training step's intermediates for the zoo's models at their usual sizes). */
export const float32Pool = new Float32Pool(256 * 1024 * 1024);
