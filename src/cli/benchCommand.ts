import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus } from 'node:os';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { GPU_BENCH_CASES, SMALL_BENCH_CASES, benchCaseLabel, benchSpec, type BenchCase } from '../bench/benchCase.ts';
import { benchRecipes } from './benchRecipes.ts';
import { BENCH_ENGINES, isBenchEngineId, type BenchEngineId } from '../bench/benchEngines.ts';
import type { BrowserBenchResult } from '../bench/browserBench.ts';
import { sideBySide, sideBySideLines } from '../bench/sideBySide.ts';
import { timeAlternately } from '../bench/timeAlternately.ts';
import { timeBareStep } from '../bench/timeBareStep.ts';
import { timeModelFit } from '../bench/timeModelFit.ts';
import { timeTrainer } from '../bench/timeTrainer.ts';
import { torchInfo } from '../node/torchEngine/torchProcess.ts';
import { captureStudioKernels, setStudioKernels } from '../kernels/setStudioKernels.ts';
import { STUDIO_KERNEL_SETS } from '../kernels/studioKernelSets.ts';
import { cpuThreads, setSimdKernels, simdKernels, startCpuThreads } from '../kernels/cpu/wasm/simdKernels.ts';
import { initNodeBackend, type BackendInfo, type NodeBackendName } from '../node/backend.ts';
import { nodeThreadHost } from '../node/nodeThreadHost.ts';
import { chromiumBench } from './chromiumBench.ts';
import { UsageError } from './usageError.ts';

interface BenchRow extends BenchCase {
  backend: string;
  samples: number;
  studioSamplesPerSec: number;
  /** The Trainer's model, objective and optimizer on pre-made batches: the least a step can be. */
  bareSamplesPerSec: number;
  /** 1 − studio ÷ bare step: the share of the Trainer's time its loop costs (issue 6's target: at most 5%). */
  overhead: number;
  fitSamplesPerSec: number;
  /** studio ÷ model.fit: above 1 the studio's loop is faster. */
  ratio: number;
}

interface KernelRow extends BenchCase {
  backend: string;
  stockTimedSteps: number;
  fastTimedSteps: number;
  stockSamplesPerSec: number;
  fastSamplesPerSec: number;
  /** webgpu: compute dispatches per training step, each a fixed host cost on any GPU. */
  stockDispatchesPerStep?: number;
  fastDispatchesPerStep?: number;
  /** cpu: the studio's kernels with their inner loops in JavaScript rather than WebAssembly SIMD. */
  fastScalarSamplesPerSec?: number;
  /** studio ÷ stock: how many times faster the studio's kernels train (issue 6's targets: 10 on cpu, 3 on a GPU). */
  speedup: number;
}

interface ThreadRow extends BenchCase {
  threads: number;
  steps: number;
  oneThreadSamplesPerSec: number;
  threadsSamplesPerSec: number;
  /** threads ÷ one thread. */
  gain: number;
}

/** How many times the stock steps to time the studio's for: a step much faster than stock's is too short to time alone. */
const FAST_STEP_FACTOR: Record<NodeBackendName, number> = { cpu: 8, webgpu: 2 };

// Issue 6's models. Stock tfjs-cpu takes seconds per step on them, so this comparison
// times a few steps rather than epochs of --samples.
const KERNEL_CASES: Record<NodeBackendName, BenchCase[]> = {
  cpu: [
    { architecture: 'smallCnn', width: 0.25, inputSize: 32, batchSize: 16 },
    { architecture: 'resnet18', width: 0.25, inputSize: 32, batchSize: 16 },
  ],
  webgpu: [...SMALL_BENCH_CASES],
};
// Threads pay where the kernels' arithmetic outweighs the copies only the calling thread
// makes: the zoo's models at full width.
const THREAD_CASES: BenchCase[] = SMALL_BENCH_CASES.map((c) => ({ ...c, width: 1, inputSize: 32, batchSize: 16 }));
const THREAD_STEPS = 4;
const KERNEL_STEPS = 3;
const QUICK_KERNEL_STEPS = 1;

// Sized for the pure-JS CPU backend and SwiftShader, which are slow; pass --samples for more.
const QUICK: BenchCase[] = SMALL_BENCH_CASES.filter((c) => c.architecture === 'smallCnn' || c.architecture === 'mobilenetV2');
const FULL: BenchCase[] = [...SMALL_BENCH_CASES];

/**
 * The studio's Trainer on one backend, once on stock tfjs kernels and once on the studio's,
 * each with one warm-up epoch and one timed epoch of the same number of steps (`steps` for
 * stock, the switch's factor times that for the studio's). The registration found on entry
 * is put back.
 */
async function compareKernels(backend: NodeBackendName, name: string, cases: BenchCase[], steps: number): Promise<KernelRow[]> {
  const kernels = STUDIO_KERNEL_SETS[backend];
  const restore = captureStudioKernels([kernels]);
  const fastSteps = steps * FAST_STEP_FACTOR[backend];
  const rows: KernelRow[] = [];
  console.log(`${name}, stock tfjs kernels vs the studio's: studio Trainer, ${steps} (stock) / ${fastSteps} (studio) timed steps after as many warm-up steps`);
  const launches = backend === 'webgpu';
  // On cpu, the studio's kernels once more with their inner loops in JavaScript: what WebAssembly SIMD adds.
  const scalar = backend === 'cpu' && simdKernels() !== null;
  const extraHeads = launches ? ['stock disp/step'.padStart(16), 'studio disp/step'.padStart(17)] : scalar ? ['studio, no SIMD'.padStart(16), 'SIMD gain'.padStart(10)] : [];
  console.log(['model'.padEnd(26), 'batch'.padStart(5), 'stock img/s'.padStart(12), 'studio img/s'.padStart(13), 'speedup'.padStart(8), ...extraHeads].join(' '));
  try {
    for (const c of cases) {
      setStudioKernels([kernels], false);
      const stock = await timeTrainer(c, benchSpec(c, c.batchSize * steps, 2), backend);
      setStudioKernels([kernels], true);
      const fast = await timeTrainer(c, benchSpec(c, c.batchSize * fastSteps, 2), backend);
      let fastScalar: number | undefined;
      if (scalar) {
        const previous = setSimdKernels(false);
        try {
          fastScalar = (await timeTrainer(c, benchSpec(c, c.batchSize * fastSteps, 2), backend)).samplesPerSec;
        } finally {
          setSimdKernels(previous);
        }
      }
      const row: KernelRow = {
        ...c,
        backend: name,
        stockTimedSteps: steps,
        fastTimedSteps: fastSteps,
        stockSamplesPerSec: stock.samplesPerSec,
        fastSamplesPerSec: fast.samplesPerSec,
        speedup: fast.samplesPerSec / stock.samplesPerSec,
        ...(stock.dispatchesPerStep === undefined ? {} : { stockDispatchesPerStep: stock.dispatchesPerStep }),
        ...(fast.dispatchesPerStep === undefined ? {} : { fastDispatchesPerStep: fast.dispatchesPerStep }),
        ...(fastScalar === undefined ? {} : { fastScalarSamplesPerSec: fastScalar }),
      };
      rows.push(row);
      const label = benchCaseLabel(c);
      const extraCells = launches
        ? [String(Math.round(stock.dispatchesPerStep ?? NaN)).padStart(16), String(Math.round(fast.dispatchesPerStep ?? NaN)).padStart(17)]
        : fastScalar !== undefined
          ? [fastScalar.toFixed(1).padStart(16), `${(fast.samplesPerSec / fastScalar).toFixed(2)}×`.padStart(10)]
          : [];
      console.log([label.padEnd(26), String(c.batchSize).padStart(5), stock.samplesPerSec.toFixed(1).padStart(12), fast.samplesPerSec.toFixed(1).padStart(13), `${row.speedup.toFixed(2)}×`.padStart(8), ...extraCells].join(' '));
    }
  } finally {
    restore();
  }
  console.log('');
  return rows;
}

/**
 * The studio's cpu kernels on one thread and on `threads` (the workers and the calling
 * thread), each with a warm-up epoch and a timed epoch of `steps` steps; the threads found on
 * entry are restored.
 */
async function compareThreads(cases: BenchCase[], threads: number, steps: number): Promise<ThreadRow[]> {
  console.log(`cpu, the studio's kernels on 1 thread vs ${threads}: studio Trainer, ${steps} timed steps after as many warm-up steps`);
  console.log(['model'.padEnd(26), 'batch'.padStart(5), '1 thread img/s'.padStart(15), `${threads} threads img/s`.padStart(16), 'gain'.padStart(6)].join(' '));
  const rows: ThreadRow[] = [];
  const restore = cpuThreads();
  try {
    for (const c of cases) {
      await startCpuThreads(1, nodeThreadHost);
      const one = await timeTrainer(c, benchSpec(c, c.batchSize * steps, 2), 'cpu');
      const started = await startCpuThreads(threads, nodeThreadHost);
      if (started.threads !== threads) throw new Error(`could not start ${threads} cpu threads: ${started.reason ?? 'unknown'}`);
      const many = await timeTrainer(c, benchSpec(c, c.batchSize * steps, 2), 'cpu');
      const row: ThreadRow = { ...c, threads, steps, oneThreadSamplesPerSec: one.samplesPerSec, threadsSamplesPerSec: many.samplesPerSec, gain: many.samplesPerSec / one.samplesPerSec };
      rows.push(row);
      console.log([benchCaseLabel(c).padEnd(26), String(c.batchSize).padStart(5), one.samplesPerSec.toFixed(1).padStart(15), many.samplesPerSec.toFixed(1).padStart(16), `${row.gain.toFixed(2)}×`.padStart(6)].join(' '));
    }
  } finally {
    await startCpuThreads(restore, nodeThreadHost);
  }
  console.log('');
  return rows;
}

/** The backend started, or undefined (said on the console) when it cannot start here. */
interface TorchRow extends BenchCase {
  torch: string;
  /** Where the tfjs engine ran: the studio's CPU kernels, or WebGPU on the adapter named. */
  tfjs: string;
  /** Where PyTorch ran: the CPU, or CUDA. */
  device: string;
  /** The processes of the many-process column: 2 on a CPU, every CUDA device on a GPU machine. */
  nproc: number;
  tfjsSamplesPerSec: number;
  torchSamplesPerSec: number;
  torchManySamplesPerSec: number;
  /** torch on one process ÷ the tfjs engine. */
  torchVsTfjs: number;
  /** nproc DDP processes ÷ one. */
  manyVsOne: number;
}

/**
 * The same spec on the tfjs engine (its backend here: the CPU kernels, or WebGPU through Dawn
 * with --backend webgpu) and on the PyTorch engine with one process and with several (two
 * on a CPU; every CUDA device on a GPU machine, one per process).
 */
async function compareTorchEngine(backend: NodeBackendName, cases: BenchCase[], samples: number, epochs: number): Promise<TorchRow[]> {
  let torch: string;
  let cuda: number;
  try {
    ({ torch, cuda } = torchInfo());
  } catch (err) {
    console.log(`PyTorch engine: not measured (${err instanceof Error ? err.message : String(err)})`);
    return [];
  }
  const info = await startBackend(backend);
  if (!info) return [];
  const { timeTorchEngine } = await import('./timeTorchEngine.ts');
  const device = cuda > 0 ? 'CUDA' : 'CPU';
  const nproc = cuda > 0 ? cuda : 2;
  const tfjs = `${info.backend} (${info.adapter})`;
  console.log(`tfjs engine on ${tfjs} vs the PyTorch engine (torch ${torch}, ${device}; 1 and ${nproc} DDP processes): ${samples} samples, ${epochs - 1} timed epochs after one warm-up`);
  console.log(['model'.padEnd(26), 'batch'.padStart(5), 'tfjs img/s'.padStart(11), 'torch img/s'.padStart(12), `torch×${nproc} img/s`.padStart(14), 'torch÷tfjs'.padStart(11), `${nproc}÷1 proc`.padStart(9)].join(' '));
  const rows: TorchRow[] = [];
  for (const c of cases) {
    const spec = benchSpec(c, samples, epochs);
    const ours = (await timeTrainer(c, spec, info.backend)).samplesPerSec;
    const one = await timeTorchEngine(c, spec, 1);
    const many = nproc > 1 && c.batchSize % nproc === 0 ? await timeTorchEngine(c, spec, nproc) : NaN;
    const row: TorchRow = { ...c, torch, tfjs, device, nproc, tfjsSamplesPerSec: ours, torchSamplesPerSec: one, torchManySamplesPerSec: many, torchVsTfjs: one / ours, manyVsOne: many / one };
    rows.push(row);
    console.log([benchCaseLabel(c).padEnd(26), String(c.batchSize).padStart(5), ours.toFixed(1).padStart(11), one.toFixed(1).padStart(12), many.toFixed(1).padStart(14), row.torchVsTfjs.toFixed(2).padStart(11), row.manyVsOne.toFixed(2).padStart(9)].join(' '));
  }
  return rows;
}

async function startBackend(backend: NodeBackendName): Promise<BackendInfo | undefined> {
  try {
    return await initNodeBackend(backend);
  } catch (err) {
    console.log(`${backend}: not available here (${(err as Error).message})`);
    return undefined;
  }
}

type BenchTarget = NodeBackendName | 'chromium';
const TARGETS: readonly BenchTarget[] = ['cpu', 'webgpu', 'chromium'];

function targetsOption(value: string | undefined): BenchTarget[] {
  if (value === undefined || value === 'all') return [...TARGETS];
  const targets = value.split(',');
  const unknown = targets.filter((t) => !TARGETS.includes(t as BenchTarget));
  if (unknown.length > 0) throw new UsageError(`--backend must be all or a list of ${TARGETS.join(', ')}, got "${value}"`);
  return targets as BenchTarget[];
}

/** The bench's tables: stock vs the studio's kernels (Node and Chromium), the cpu kernels' threads, the Trainer's loop vs model.fit, the tfjs engine vs the PyTorch engine on 1 and 2 processes. */
const TABLES = ['kernels', 'threads', 'loop', 'torch'] as const;
type BenchTable = (typeof TABLES)[number];

function tablesOption(value: string | undefined): BenchTable[] {
  if (value === undefined || value === 'all') return [...TABLES];
  const tables = value.split(',');
  if (!tables.every((t) => (TABLES as readonly string[]).includes(t))) throw new UsageError(`--tables must be all or a list of ${TABLES.join(', ')}, got "${value}"`);
  return tables as BenchTable[];
}

/** Chromium's engines: all of them, but stock tfjs-cpu (and so the studio's cpu) only where a step takes seconds, not minutes. */
function enginesOption(value: string | undefined, gpu: boolean): BenchEngineId[] {
  if (value !== undefined) {
    const ids = value.split(',');
    if (!ids.every(isBenchEngineId)) throw new UsageError(`--engines takes ${BENCH_ENGINES.map((e) => e.id).join(', ')}; got "${value}"`);
    return ids;
  }
  return BENCH_ENGINES.filter((e) => !gpu || e.backend !== 'cpu').map((e) => e.id);
}

/**
 * What --models, --size, --batch and --width make of a table's cases: only the models named,
 * each at the size and width given, at every batch given (the table's own where not given).
 */
function casesOption(values: { models?: string; size?: string; batch?: string; width?: string }): (cases: readonly BenchCase[]) => BenchCase[] {
  const models = values.models?.split(',');
  const known = new Set(SMALL_BENCH_CASES.map((c) => c.architecture as string));
  if (models && !models.every((m) => known.has(m))) throw new UsageError(`--models takes ${[...known].join(', ')}; got "${values.models}"`);
  const size = values.size === undefined ? undefined : positiveInteger('size', values.size);
  const batches = values.batch?.split(',').map((b) => positiveInteger('batch', b));
  const width = values.width === undefined ? undefined : Number(values.width);
  if (width !== undefined && !(width > 0 && width <= 4)) throw new UsageError(`--width must be a number in (0, 4], got "${values.width}"`);
  return (cases) => {
    const picked = cases.filter((c) => !models || models.includes(c.architecture));
    const resized = picked.map((c) => ({ ...c, ...(size ? { inputSize: size } : {}), ...(width ? { width } : {}) }));
    const batched = batches ? resized.flatMap((c) => batches.map((batchSize) => ({ ...c, batchSize }))) : resized;
    // --batch over a table that already lists two batches per model would time each twice.
    return batched.filter((c, i) => batched.findIndex((d) => benchCaseLabel(d) === benchCaseLabel(c) && d.batchSize === c.batchSize) === i);
  };
}

function positiveInteger(name: string, value: string): number {
  const n = Number(value);
  if (!(Number.isInteger(n) && n > 0)) throw new UsageError(`--${name} must be a positive integer, got "${value}"`);
  return n;
}

/** Chromium's side-by-side, or undefined (said on the console) when Chromium cannot run it here. */
async function benchChromium(cases: BenchCase[], steps: number, engines: BenchEngineId[], gpu: boolean, executablePath: string | undefined): Promise<BrowserBenchResult | undefined> {
  console.log(`chromium (${gpu ? "the machine's GPU" : 'SwiftShader'}): the studio vs stock tfjs, one engine at a time, studio Trainer on each`);
  try {
    const result = await chromiumBench({
      config: { cases, steps, engines, parity: engines.includes('webgpu-studio') },
      hardware: gpu,
      ...(executablePath ? { executablePath } : {}),
      say: (line) => console.log(`  ${line}`),
    });
    console.log(`  ${result.userAgent}`);
    for (const line of sideBySideLines(sideBySide(result.timings), engines)) console.log(line);
    console.log('');
    return result;
  } catch (err) {
    console.log(`chromium: not available here (${(err as Error).message.split('\n')[0]})\n`);
    return undefined;
  }
}

export async function benchCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      backend: { type: 'string' },
      quick: { type: 'boolean', default: false },
      gpu: { type: 'boolean', default: false },
      samples: { type: 'string', default: '128' },
      epochs: { type: 'string', default: '3' },
      engines: { type: 'string' },
      models: { type: 'string' },
      size: { type: 'string' },
      batch: { type: 'string' },
      width: { type: 'string' },
      chromium: { type: 'string' },
      threads: { type: 'string' },
      tables: { type: 'string' },
      out: { type: 'string', default: 'bench-results/bench.json' },
      recipes: { type: 'string' },
    },
  });
  if (values.recipes !== undefined) {
    // Trains the examples as users run them; the kernel tables are another question.
    const only = values.recipes === 'all' ? undefined : values.recipes.split(',');
    console.log('recipe (studio train examples/…)                seconds   test-split result (target)');
    const rows = await benchRecipes(only);
    await mkdir(dirname(values.out), { recursive: true });
    await writeFile(values.out, JSON.stringify({ date: new Date().toISOString(), machine: { cpus: cpus().length, model: cpus()[0]?.model }, recipes: rows }, null, 2) + '\n');
    console.log(`saved ${values.out}`);
    return;
  }
  const targets = targetsOption(values.backend);
  const tables = tablesOption(values.tables);
  const backends = targets.filter((t): t is NodeBackendName => t !== 'chromium');
  const samples = positiveInteger('samples', values.samples);
  const epochs = positiveInteger('epochs', values.epochs);
  if (epochs < 2) throw new UsageError('--epochs must be at least 2: the first is a warm-up');
  const engines = enginesOption(values.engines, values.gpu);
  const sized = casesOption(values);
  const cases = sized(values.quick ? QUICK : FULL);
  const rows: BenchRow[] = [];
  const kernels: KernelRow[] = [];
  const threadRows: ThreadRow[] = [];
  // All the cores by default: the bench asks what threads can give here, not what the default leaves.
  const threads = values.threads === undefined ? Math.min(16, availableParallelism()) : positiveInteger('threads', values.threads);
  const steps = values.quick ? QUICK_KERNEL_STEPS : KERNEL_STEPS;
  console.log(`${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.versions.node}`);
  for (const backend of backends) {
    const info = await startBackend(backend);
    if (!info) continue;
    const kernelCases = sized(backend === 'webgpu' && values.gpu ? [...GPU_BENCH_CASES] : KERNEL_CASES[backend]);
    if (tables.includes('kernels')) kernels.push(...(await compareKernels(backend, backend === 'cpu' ? 'cpu' : `webgpu (${info.adapter})`, kernelCases, steps)));
    if (tables.includes('threads') && backend === 'cpu' && threads > 1 && simdKernels()) threadRows.push(...(await compareThreads(sized(THREAD_CASES), threads, values.quick ? QUICK_KERNEL_STEPS + 1 : THREAD_STEPS)));
  }
  const chromiumCases = sized(values.gpu ? [...GPU_BENCH_CASES] : values.quick ? QUICK : FULL);
  const chromium = targets.includes('chromium') && tables.includes('kernels') ? await benchChromium(chromiumCases, steps, engines, values.gpu, values.chromium) : undefined;
  const loops = tables.includes('loop') ? backends : [];
  if (loops.length > 0) {
    console.log(
      `studio Trainer vs a bare step (its model, objective and optimizer on pre-made batches) vs model.fit: ${samples} samples, ${epochs - 1} timed epochs after one warm-up, each timed twice (studio, bare, fit, fit, bare, studio)`,
    );
    console.log(
      ['backend'.padEnd(38), 'model'.padEnd(26), 'batch'.padStart(5), 'studio img/s'.padStart(13), 'bare img/s'.padStart(11), 'overhead'.padStart(9), 'fit img/s'.padStart(10), 'studio÷fit'.padStart(11)].join(' '),
    );
  }
  for (const backend of loops) {
    const info = await startBackend(backend);
    if (!info) continue;
    const name = `${info.backend} (${info.adapter})`;
    for (const c of cases) {
      const [studio, bare, fit] = (await timeAlternately(
        async () => (await timeTrainer(c, benchSpec(c, samples, epochs), info.backend)).samplesPerSec,
        async () => (await timeBareStep(c, samples, epochs)).samplesPerSec,
        () => timeModelFit(c, samples, epochs),
      )) as [number, number, number];
      const row: BenchRow = { ...c, backend: name, samples, studioSamplesPerSec: studio, bareSamplesPerSec: bare, overhead: 1 - studio / bare, fitSamplesPerSec: fit, ratio: studio / fit };
      rows.push(row);
      console.log(
        [
          name.padEnd(38),
          benchCaseLabel(c).padEnd(26),
          String(c.batchSize).padStart(5),
          studio.toFixed(1).padStart(13),
          bare.toFixed(1).padStart(11),
          `${(row.overhead * 100).toFixed(1)}%`.padStart(9),
          fit.toFixed(1).padStart(10),
          row.ratio.toFixed(2).padStart(11),
        ].join(' '),
      );
    }
  }
  // On a GPU (--gpu) the tfjs side is WebGPU through Dawn at the GPU sizes; else the CPU kernels.
  const torchBackend: NodeBackendName | undefined = values.gpu && backends.includes('webgpu') ? 'webgpu' : backends.includes('cpu') ? 'cpu' : backends[0];
  const torchRows = tables.includes('torch') && torchBackend ? await compareTorchEngine(torchBackend, sized(values.gpu ? [...GPU_BENCH_CASES] : cases), samples, epochs) : [];
  await mkdir(dirname(values.out), { recursive: true });
  const machine = { cpus: cpus()[0]?.model, cores: cpus().length, node: process.versions.node };
  const browser = chromium ? { ...chromium, sideBySide: sideBySide(chromium.timings) } : undefined;
  await writeFile(values.out, JSON.stringify({ date: new Date().toISOString(), machine, kernels, ...(threadRows.length > 0 ? { threads: threadRows } : {}), rows, ...(torchRows.length > 0 ? { torch: torchRows } : {}), ...(browser ? { chromium: browser } : {}) }, null, 2) + '\n');
  console.log(`saved ${values.out}`);
}
