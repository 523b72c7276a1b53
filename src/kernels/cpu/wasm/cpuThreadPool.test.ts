import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { nodeThreadHost } from '../../../node/nodeThreadHost.ts';
import { seeded } from '../../kernelParity.testkit.ts';
import { gemmAccumulate, type StridedMatrix } from '../gemm.ts';
import { CpuThreadPool, type SpawnedWorker, type ThreadHost } from './cpuThreadPool.ts';
import { cpuThreads, POOLED, POOLED_FUNCTIONS, simdKernels, simdKernelsModuleBytes, startCpuThreads, stopCpuThreads } from './simdKernels.ts';

// Each test starts the threads it needs (the suite may run with STUDIO_CPU_THREADS set).
beforeEach(() => stopCpuThreads());
afterEach(() => {
  vi.restoreAllMocks();
  stopCpuThreads();
});

function filled(size: number, seed: number): Float32Array {
  let state = seed;
  return Float32Array.from({ length: size }, () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648 - 0.5;
  });
}

/** A `rows`×`cols` matrix stored with the given strides, with its values. */
function strided(rows: number, cols: number, rowStride: number, colStride: number, seed: number): StridedMatrix {
  return { data: filled((rows - 1) * rowStride + (cols - 1) * colStride + 1, seed), offset: 0, rowStride, colStride };
}

/** C after `C += A·B`, C given as its layout and initial values. */
function product(m: number, n: number, k: number, a: StridedMatrix, b: StridedMatrix, c: StridedMatrix): Float32Array {
  const out = { ...c, data: c.data.slice() };
  gemmAccumulate(m, n, k, a, b, out);
  return out.data;
}

describe('the cpu kernels on worker threads', () => {
  it('start, say how many threads they use, and stop', async () => {
    expect(cpuThreads()).toBe(1);
    expect(await startCpuThreads(3, nodeThreadHost)).toEqual({ threads: 3 });
    expect(cpuThreads()).toBe(3);
    expect(simdKernels()!.threaded!.pool!.threads).toBe(3);
    stopCpuThreads();
    expect(cpuThreads()).toBe(1);
    expect(simdKernels()!.threaded).toBeNull();
    expect(simdKernels()!.pool).toBeNull();
    expect(await startCpuThreads(1, nodeThreadHost)).toEqual({ threads: 1 });
    expect(cpuThreads()).toBe(1);
  });

  // Each thread sums whole 4-row panels in the same order as one thread would, so the
  // product must not change by a single bit; the shapes take each way the operands are
  // read (A by rows or by columns, B by rows or packed, C in place or added into), blocks
  // whose rows do not split evenly, and K in two chunks.
  it.each([
    ['A by rows, C in place', [1037, 64, 150], [1037, 150, 150, 1], [150, 64, 64, 1], [1037, 64, 64, 1]],
    ['A by columns (a filter gradient), C in place', [150, 32, 2000], [150, 2000, 1, 150], [2000, 32, 32, 1], [150, 32, 32, 1]],
    ['A by rows, B packed, C added (n not whole tiles)', [523, 13, 300], [523, 300, 300, 1], [300, 13, 1, 300], [523, 13, 13, 1]],
    ['K in two chunks', [130, 16, 5000], [130, 5000, 5000, 1], [5000, 16, 16, 1], [130, 16, 16, 1]],
  ] as const)('give the same bits as one thread: %s', async (_, [m, n, k], [ar, ac, ars, acs], [br, bc, brs, bcs], [cr, cc, crs, ccs]) => {
    const a = strided(ar, ac, ars, acs, 1);
    const b = strided(br, bc, brs, bcs, 2);
    const c = strided(cr, cc, crs, ccs, 3);
    const alone = product(m, n, k, a, b, c);
    await startCpuThreads(3, nodeThreadHost);
    const post = vi.spyOn(simdKernels()!.threaded!.pool!, 'post');
    const threaded = product(m, n, k, a, b, c);
    expect(post).toHaveBeenCalled();
    expect(threaded).toEqual(alone);
  });

  it('train a convolution to the same bits as one thread', async () => {
    const step = () =>
      tf.tidy(() => {
        const x = seeded([4, 16, 16, 8], 1);
        const w = seeded([3, 3, 8, 32], 2);
        const [gx, gw] = tf.grads((xx: tf.Tensor, ww: tf.Tensor) => tf.sum(tf.square(tf.conv2d(xx as tf.Tensor4D, ww as tf.Tensor4D, 1, 'same'))))([x, w]);
        return [gx!.dataSync(), gw!.dataSync()];
      });
    const alone = step();
    await startCpuThreads(2, nodeThreadHost);
    const post = vi.spyOn(simdKernels()!.threaded!.pool!, 'post');
    const threaded = step();
    expect(post).toHaveBeenCalled();
    expect(threaded).toEqual(alone);
  });

  // Images split over the threads, each computed as alone; the filter gradient summed in image order.
  it.each([2, 3])('run depthwise convolutions and both their gradients to the same bits as one thread (%i threads)', async (threads) => {
    const passes = () =>
      tf.tidy(() => {
        // Images large enough to be split (half a million multiply-adds each), 5 over 2 or 3 threads.
        const x = seeded([5, 96, 80, 32], 4);
        const w = seeded([3, 3, 32, 1], 5);
        const dy = seeded([5, 48, 40, 32], 6);
        const attrs = { strides: 2, pad: 'same', dataFormat: 'NHWC', dilations: 1 };
        return [
          tf.engine().runKernel('DepthwiseConv2dNative', { x, filter: w }, attrs) as tf.Tensor,
          tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy, filter: w }, { ...attrs, inputShape: x.shape }) as tf.Tensor,
          tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x, dy }, { ...attrs, filterShape: w.shape }) as tf.Tensor,
        ].map((t) => t.dataSync());
      });
    const alone = passes();
    await startCpuThreads(threads, nodeThreadHost);
    const post = vi.spyOn(simdKernels()!.threaded!.pool!, 'post');
    const threaded = passes();
    expect(post).toHaveBeenCalledTimes(3);
    expect(threaded).toEqual(alone);
  });

  it('say why they did not start when a worker cannot be spawned', async () => {
    const host: ThreadHost = {
      canBlock: true,
      spawn() {
        throw new Error('workers are not allowed here');
      },
    };
    expect(await startCpuThreads(2, host)).toEqual({ threads: 1, reason: 'workers are not allowed here' });
    expect(cpuThreads()).toBe(1);
  });
});

describe('CpuThreadPool', () => {
  // The Node build's lib has no DOM, which declares WebAssembly's JavaScript API.
  type SharedMemory = { buffer: SharedArrayBuffer };
  const wasm = (globalThis as unknown as {
    WebAssembly: {
      Memory: new (d: { initial: number; maximum: number; shared: boolean }) => SharedMemory;
      Module: new (bytes: Uint8Array) => object;
      Instance: new (module: object, imports: object) => { exports: Record<string, (...args: number[]) => void> };
    };
  }).WebAssembly;
  const bytes = simdKernelsModuleBytes(65536);
  const names = [...POOLED_FUNCTIONS];
  /** A shared memory and this thread's instance of the module on it. */
  const setup = () => {
    const memory = new wasm.Memory({ initial: 1, maximum: 65536, shared: true });
    const { exports } = new wasm.Instance(new wasm.Module(bytes), { env: { memory } });
    return { memory, local: names.map((name) => exports[name]!) };
  };
  const view = (memory: SharedMemory, at: number) => Array.from(new Float32Array(memory.buffer).subarray(at, at + 8));
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  /** A gemmBlock call summing a 4×8 tile of ones into the tile at `c` (bytes), 2 deep; A and B are the first 16 floats. */
  const ones = (c: number) => ({ fn: POOLED.gemmBlock, args: [2, 1, 1, 0, 0, 4, 4, 0, 0, 32, c, 32] });

  it('runs every unit, on the workers and the calling thread, also where the caller may not block (it spins)', async () => {
    for (const canBlock of [true, false]) {
      const { memory, local } = setup();
      new Float32Array(memory.buffer).fill(1, 0, 16);
      const pool = await CpuThreadPool.start({ threads: 3, host: { ...nodeThreadHost, canBlock }, bytes, memory, names, local });
      // A unit's calls run in order on one thread: the second unit sums twice into one tile.
      pool.post([[ones(1024)], [ones(2048), ones(2048)], [ones(3072)], [ones(4096)]]);
      pool.finish();
      expect([view(memory, 256), view(memory, 512), view(memory, 768), view(memory, 1024)]).toEqual([2, 4, 2, 2].map((v) => Array(8).fill(v)));
      pool.stop();
    }
  });

  it('leaves units past the claimable limit alone until they are published', async () => {
    const { memory, local } = setup();
    new Float32Array(memory.buffer).fill(1, 0, 16);
    const pool = await CpuThreadPool.start({ threads: 2, host: nodeThreadHost, bytes, memory, names, local });
    pool.post([[ones(1024)], [ones(2048)]], 1);
    await sleep(50);
    // The worker woke and took the first unit; the second waits for its operands.
    expect(view(memory, 256)).toEqual(Array(8).fill(2));
    expect(view(memory, 512)).toEqual(Array(8).fill(0));
    pool.finish();
    expect(view(memory, 512)).toEqual(Array(8).fill(2));
    pool.stop();
  });

  it('reports a unit that trapped on a worker, and goes on taking jobs', async () => {
    const { memory, local } = setup();
    const pool = await CpuThreadPool.start({ threads: 2, host: nodeThreadHost, bytes, memory, names, local });
    // An offset past the memory's one page: the kernel traps. The worker claims it while this thread sleeps.
    pool.post([[ones(1 << 20)]]);
    await sleep(50);
    expect(() => pool.finish()).toThrow('cpu worker thread 1 failed in a WebAssembly kernel');
    expect(pool.usable).toBe(true);
    pool.post([[ones(1024)]]);
    pool.finish();
    pool.stop();
  });

  it('gives up on a worker that never finishes, stops, and the kernels go on in one thread', async () => {
    const { memory, local } = setup();
    const workers: SpawnedWorker[] = [];
    const host: ThreadHost = { canBlock: true, spawn: (code) => workers[workers.push(nodeThreadHost.spawn(code)) - 1]! };
    const pool = await CpuThreadPool.start({ threads: 2, host, bytes, memory, names, local, lostAfterMs: 300 });
    await workers[0]!.terminate();
    pool.post([[ones(1024)]]);
    expect(() => pool.finish()).toThrow('cpu worker threads did not finish within 0.3 s; they are stopped, and the cpu kernels go on in one thread');
    expect(pool.usable).toBe(false);
    expect(() => pool.post([])).toThrow('the cpu worker threads were stopped');
  });

  it('refuses a job of more calls than it holds, and a job posted before the last was finished', async () => {
    const { memory, local } = setup();
    const pool = await CpuThreadPool.start({ threads: 2, host: nodeThreadHost, bytes, memory, names, local });
    expect(pool.maxCalls).toBe(128);
    expect(() => pool.post([Array(129).fill(ones(1024))])).toThrow('a job of 129 calls (at most 128)');
    pool.post([[]]);
    expect(() => pool.post([[]])).toThrow('a job was posted before the last one was finished');
    pool.finish();
    pool.stop();
  });

  it('rejects, its workers stopped, when a worker does not start in time', async () => {
    const terminated: number[] = [];
    const host: ThreadHost = {
      canBlock: true,
      spawn: (_code) => ({ postMessage() {}, terminate: () => terminated.push(1) }),
    };
    const { memory, local } = setup();
    await expect(CpuThreadPool.start({ threads: 3, host, bytes, memory, names, local, readyMs: 50 })).rejects.toThrow('2 of 2 cpu worker threads did not start within 50 ms');
    expect(terminated).toHaveLength(2);
  });
});
