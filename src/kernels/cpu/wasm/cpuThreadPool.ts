/**
 * Worker threads that run the SIMD module's functions on one shared WebAssembly memory, so a
 * kernel can split its inner loops across cores and still return synchronously, as tfjs's
 * kernels must. A job is a list of units (each a few calls that must run in order, such as
 * one row block's K blocks); the calling thread writes them into a shared control block and
 * wakes the workers, and every thread, the calling one included, claims the next unit from a
 * shared counter until none is left. Claiming rather than fixed shares keeps a worker that
 * the system slowed (a core shared with the garbage collector, another process) from holding
 * the others up. Units may be posted before the caller has copied all their operands: only
 * those below a limit are claimed until the caller `finish`es, which lifts it.
 */

/** What starts a worker running `code` (a classic script): Node's `worker_threads` or a browser's `Worker`. */
export interface ThreadHost {
  spawn(code: string): SpawnedWorker;
  /** Whether the thread that trains may block in `Atomics.wait` (not a browser page's main thread). */
  canBlock: boolean;
}

export interface SpawnedWorker {
  postMessage(message: unknown): void;
  terminate(): unknown;
}

/** One call of an exported function of the module: its index in the pool's function list, then its arguments. */
export interface PooledCall {
  fn: number;
  args: readonly number[];
}

// The control block, in 32-bit words: counters, the units' first calls, then the calls.
const GENERATION = 0;
const DONE = 1;
const READY = 2;
const FAILED = 3;
const QUIT = 4;
const UNITS = 5;
const LIMIT = 6;
const NEXT = 7;
const UNIT_TABLE = 8;
/** The most arguments a function of the module takes (the depthwise loops': 14). */
export const MAX_ARGS = 14;
/** Calls a job may hold per thread of the pool. */
export const MAX_CALLS_PER_THREAD = 64;
const CALL_WORDS = 1 + MAX_ARGS;

/**
 * How long the calling thread waits for its workers before it declares them lost. A unit is
 * at most a few hundred million multiply-adds (under a second on any core), so this only
 * fires when a worker died, which the blocked thread cannot otherwise see.
 */
const LOST_AFTER_MS = 60_000;

/** `words[at]` is the function's index, its arguments follow; a function ignores arguments past its own. */
type Call = (...args: number[]) => void;

// The worker: a classic script, no imports, the same in Node (eval'd, with require) and in a
// browser (a Blob URL). It instantiates the module on the shared memory, says it is ready,
// then sleeps on the generation counter and, on each new generation, claims units until none
// is left (waiting, spinning, for a claimed unit the caller has not published yet).
const WORKER_CODE = `
const port = typeof require === 'function' ? require('node:worker_threads').parentPort : self;
const listen = (handler) => typeof require === 'function' ? port.once('message', handler) : (self.onmessage = (e) => handler(e.data));
listen(({ module, memory, control, index, names, callTable }) => {
  const exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
  const fns = names.map((name) => exports[name]);
  const w = new Int32Array(control);
  Atomics.add(w, ${READY}, 1);
  Atomics.notify(w, ${READY});
  let seen = 0;
  for (;;) {
    Atomics.wait(w, ${GENERATION}, seen);
    seen = Atomics.load(w, ${GENERATION});
    if (Atomics.load(w, ${QUIT}) !== 0) return;
    const units = w[${UNITS}];
    for (;;) {
      const u = Atomics.add(w, ${NEXT}, 1);
      if (u >= units) break;
      while (u >= Atomics.load(w, ${LIMIT})) if (Atomics.load(w, ${QUIT}) !== 0) return;
      try {
        for (let c = w[${UNIT_TABLE} + u], end = w[${UNIT_TABLE} + u + 1]; c < end; c++) {
          const a = callTable + c * ${CALL_WORDS};
          fns[w[a]](w[a + 1], w[a + 2], w[a + 3], w[a + 4], w[a + 5], w[a + 6], w[a + 7], w[a + 8], w[a + 9], w[a + 10], w[a + 11], w[a + 12], w[a + 13], w[a + 14]);
        }
      } catch {
        Atomics.store(w, ${FAILED}, index + 1);
      }
    }
    Atomics.add(w, ${DONE}, 1);
    Atomics.notify(w, ${DONE});
  }
});
`;

interface WasmApi {
  Module: new (bytes: Uint8Array<ArrayBuffer>) => object;
}

export class CpuThreadPool {
  /** Threads a job is run on: the workers and the calling thread. */
  readonly threads: number;
  /** The most calls (and units) one job may hold. */
  readonly maxCalls: number;
  private readonly words: Int32Array<SharedArrayBuffer>;
  private readonly callTable: number;
  private lost = false;
  private posted = false;

  private constructor(
    threads: number,
    private readonly workers: SpawnedWorker[],
    private readonly local: Call[],
    private readonly canBlock: boolean,
    private readonly lostAfterMs: number,
  ) {
    this.threads = threads;
    this.maxCalls = MAX_CALLS_PER_THREAD * threads;
    this.callTable = UNIT_TABLE + this.maxCalls + 1;
    this.words = new Int32Array(new SharedArrayBuffer(4 * (this.callTable + this.maxCalls * CALL_WORDS)));
  }

  /**
   * Starts `threads - 1` workers on the module `bytes` over the shared `memory`, each given
   * the exports named `names` (a call's `fn` indexes them); `local` are the calling thread's
   * instances of the same exports, on the same memory. Resolves once every worker is ready;
   * rejects (the workers stopped) if one is not within `readyMs`. A worker that does not
   * finish a job within `lostAfterMs` is taken for lost.
   */
  static async start(options: {
    threads: number;
    host: ThreadHost;
    bytes: Uint8Array<ArrayBuffer>;
    memory: object;
    names: string[];
    local: Call[];
    readyMs?: number;
    lostAfterMs?: number;
  }): Promise<CpuThreadPool> {
    const { threads, host, bytes, memory, names, local } = options;
    const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
    const module = new wasm.Module(bytes);
    const workers: SpawnedWorker[] = [];
    const pool = new CpuThreadPool(threads, workers, local, host.canBlock, options.lostAfterMs ?? LOST_AFTER_MS);
    const readyMs = options.readyMs ?? 10_000;
    try {
      for (let index = 0; index < threads - 1; index++) {
        const worker = host.spawn(WORKER_CODE);
        workers.push(worker);
        worker.postMessage({ module, memory, control: pool.words.buffer, index, names, callTable: pool.callTable });
      }
      const deadline = Date.now() + readyMs;
      while (Atomics.load(pool.words, READY) < threads - 1) {
        if (Date.now() > deadline) throw new Error(`${threads - 1 - Atomics.load(pool.words, READY)} of ${threads - 1} cpu worker threads did not start within ${readyMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    } catch (error) {
      pool.stop();
      throw error;
    }
    return pool;
  }

  /**
   * Posts a job of `units` (each a list of calls run in order by one thread) and returns at
   * once: the workers start claiming units [0, claimable) while the caller copies the rest's
   * operands; `finish` makes them all claimable, and the caller claims units too.
   */
  post(units: readonly (readonly PooledCall[])[], claimable = units.length): void {
    if (this.lost) throw new Error('the cpu worker threads were stopped');
    if (this.posted) throw new Error('a job was posted before the last one was finished');
    const { words, callTable } = this;
    const calls = units.reduce((sum, unit) => sum + unit.length, 0);
    if (calls > this.maxCalls) throw new Error(`a job of ${calls} calls (at most ${this.maxCalls})`);
    let c = 0;
    units.forEach((unit, u) => {
      words[UNIT_TABLE + u] = c;
      for (const { fn, args } of unit) {
        const at = callTable + c * CALL_WORDS;
        words[at] = fn;
        words.set(args, at + 1);
        c++;
      }
    });
    words[UNIT_TABLE + units.length] = c;
    words[UNITS] = units.length;
    Atomics.store(words, LIMIT, Math.min(claimable, units.length));
    Atomics.store(words, NEXT, 0);
    Atomics.store(words, DONE, 0);
    Atomics.add(words, GENERATION, 1);
    Atomics.notify(words, GENERATION);
    this.posted = true;
  }

  /**
   * Publishes the posted job's units, runs those the workers have not claimed on this thread,
   * and returns when the workers have finished theirs. Throws if a unit failed (the pool
   * stays usable) or a worker was lost (the pool is stopped: `usable` is false and callers
   * compute alone).
   */
  finish(): void {
    if (!this.posted) return;
    this.posted = false;
    const { words, callTable, local } = this;
    // Every unit's operands are in place now.
    Atomics.store(words, LIMIT, words[UNITS]!);
    const units = words[UNITS]!;
    let localError: unknown;
    for (;;) {
      const u = Atomics.add(words, NEXT, 1);
      if (u >= units) break;
      try {
        for (let c = words[UNIT_TABLE + u]!, end = words[UNIT_TABLE + u + 1]!; c < end; c++) {
          const a = callTable + c * CALL_WORDS;
          local[words[a]!]!(words[a + 1]!, words[a + 2]!, words[a + 3]!, words[a + 4]!, words[a + 5]!, words[a + 6]!, words[a + 7]!, words[a + 8]!, words[a + 9]!, words[a + 10]!, words[a + 11]!, words[a + 12]!, words[a + 13]!, words[a + 14]!);
        }
      } catch (error) {
        localError ??= error;
      }
    }
    const expected = this.workers.length;
    const deadline = Date.now() + this.lostAfterMs;
    for (;;) {
      const done = Atomics.load(words, DONE);
      if (done >= expected) break;
      if (this.canBlock) Atomics.wait(words, DONE, done, 100);
      if (Date.now() > deadline) {
        this.stop();
        throw new Error(`cpu worker threads did not finish within ${this.lostAfterMs / 1000} s; they are stopped, and the cpu kernels go on in one thread`);
      }
    }
    const failed = Atomics.exchange(words, FAILED, 0);
    if (localError !== undefined) throw localError;
    if (failed !== 0) throw new Error(`cpu worker thread ${failed} failed in a WebAssembly kernel`);
  }

  /** Whether jobs can still be run. */
  get usable(): boolean {
    return !this.lost;
  }

  /** Ends the workers. */
  stop(): void {
    if (this.lost && this.workers.length === 0) return;
    this.lost = true;
    Atomics.store(this.words, QUIT, 1);
    Atomics.add(this.words, GENERATION, 1);
    Atomics.notify(this.words, GENERATION);
    for (const worker of this.workers.splice(0)) worker.terminate();
  }
}
