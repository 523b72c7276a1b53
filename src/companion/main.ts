import * as tf from '@tensorflow/tfjs-core';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { initNodeBackend, type BackendInfo } from '../node/backend.ts';
import { isSoftwareAdapter } from '../kernels/isSoftwareAdapter.ts';
import { ADMISSION_LIMIT_FLAGS, admissionLimitsFrom, defaultAdmissionLimits } from './admissionLimits.ts';
import { createCompanionServer } from './companionServer.ts';
import { companionToken } from './companionToken.ts';
import { DiskState } from './diskState.ts';
import { EmbeddedQueue } from './embeddedQueue.ts';
import type { JobQueue } from './jobQueue.ts';
import { openJobSource } from './openJobSource.ts';
import { openJobWeights } from './openJobWeights.ts';
import { redactUrl } from './redactUrl.ts';
import { RedisQueue } from './redisQueue.ts';
import { startRedisWorker } from './redisWorker.ts';
import { UploadStore } from './uploadStore.ts';
import { torchInfo, torchSpecProblems, type TorchLaunch } from '../node/torchEngine/torchProcess.ts';

const USAGE = `usage:
  npm run companion [-- options]            one machine: HTTP API + embedded queue + training
  npm run companion -- --redis URL          gateway only: HTTP API, jobs go to BullMQ on Redis
  npm run companion -- worker --redis URL   one training worker (start one per GPU)

options:
  --port 8787  --host 127.0.0.1  --root companion-data (shared by gateway and workers)
  --backend auto|webgpu|cpu (default auto: WebGPU on a real GPU, else CPU)
  --origin URL (repeatable; studio origins allowed to call)
  --token TOKEN (or STUDIO_COMPANION_TOKEN; 32 characters at least; default a fresh random one)
  --max-body BYTES (specs; default 1 MiB)  --max-upload BYTES (one image or manifest; default 64 MiB)
  --lock-ms MS (worker: how soon a dead worker's job is picked up again; default 30000)
  --adapter NAME (WebGPU: the Dawn adapter whose name contains NAME; one worker per GPU)
  --engine tfjs|torch (default tfjs; torch: each job on PyTorch, python/studio_torch, across
                       --gpus 0,1,... with DistributedDataParallel, or --nproc N CPU processes)
  --max-restarts N (torch: restarts of a job's ranks after one dies, each from the last checkpoint; default 3)

limits on one job (over one: 400 naming the field, its value and the limit; each also
read from its environment variable):
${ADMISSION_LIMIT_FLAGS.map((f) => `  --${f.flag} N  ${f.describe} (${f.env}; default ${defaultAdmissionLimits()[f.key]})`).join('\n')}`;

/**
 * WebGPU on a real adapter, else the CPU. SwiftShader (a CPU emulation of Vulkan that
 * Chromium ships) counts as no GPU: the fast CPU kernels train faster than it.
 */
async function chooseBackend(wanted: string): Promise<BackendInfo> {
  if (wanted === 'cpu' || wanted === 'webgpu') return initNodeBackend(wanted);
  if (wanted !== 'auto') throw new Error(`--backend is auto, webgpu or cpu; got "${wanted}"`);
  try {
    const info = await initNodeBackend('webgpu');
    if (!isSoftwareAdapter(info.adapter)) return info;
    console.log(`WebGPU found only a software adapter (${info.adapter}); training on the CPU instead`);
  } catch (err) {
    console.log(`no WebGPU adapter (${err instanceof Error ? err.message : String(err)}); training on the CPU`);
  }
  return initNodeBackend('cpu');
}

/** --engine torch's launch: every GPU named by --gpus (or all CUDA devices), else --nproc CPU processes. */
function torchEngineOption(values: { engine?: string; gpus?: string; nproc?: string; 'max-restarts'?: string }): TorchLaunch | undefined {
  if (values.engine !== 'torch') {
    if (values.engine !== 'tfjs') throw new Error(`--engine is tfjs or torch; got "${values.engine}"`);
    if (values.gpus || values.nproc) throw new Error('--gpus and --nproc are for --engine torch');
    return undefined;
  }
  const count = (flag: string, v: string | undefined, min: number) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${flag} must be an integer >= ${min}; got "${v}"`);
    return n;
  };
  const maxRestarts = count('max-restarts', values['max-restarts'], 0);
  if (values.gpus !== undefined) {
    const ids = values.gpus.split(',').map((g) => g.trim());
    if (ids.some((g) => !/^\d+$/.test(g)) || new Set(ids).size !== ids.length) throw new Error(`--gpus is a list of distinct GPU numbers like 0,1,2; got "${values.gpus}"`);
    return { nproc: ids.length, gpus: ids.join(','), maxRestarts };
  }
  const cuda = torchInfo().cuda;
  return { nproc: values.nproc !== undefined ? count('nproc', values.nproc, 1) : Math.max(1, cuda), maxRestarts };
}

/** What a torch worker reports as its backend: the engine, its PyTorch and the devices a job spans. */
async function torchBackend(engine: TorchLaunch): Promise<{ backend: string; adapter: string }> {
  const info = torchInfo();
  // The core still prepares each job and scores its result, on tfjs' CPU backend.
  await initNodeBackend('cpu');
  const devices = engine.gpus !== undefined ? `GPUs ${engine.gpus}` : info.cuda > 0 ? `${engine.nproc} of ${info.cuda} GPUs` : `${engine.nproc} CPU process${engine.nproc > 1 ? 'es' : ''}`;
  return { backend: 'torch', adapter: `PyTorch ${info.torch} on ${devices}` };
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      port: { type: 'string', default: '8787' },
      host: { type: 'string', default: '127.0.0.1' },
      root: { type: 'string', default: 'companion-data' },
      backend: { type: 'string', default: 'auto' },
      origin: { type: 'string', multiple: true, default: ['http://localhost:5173', 'http://localhost:4173'] },
      token: { type: 'string' },
      redis: { type: 'string' },
      prefix: { type: 'string', default: 'studio' },
      'max-body': { type: 'string', default: String(1 << 20) },
      'max-upload': { type: 'string', default: String(64 << 20) },
      'lock-ms': { type: 'string', default: '30000' },
      adapter: { type: 'string' },
      engine: { type: 'string', default: 'tfjs' },
      gpus: { type: 'string' },
      nproc: { type: 'string' },
      'max-restarts': { type: 'string', default: '3' },
      help: { type: 'boolean', default: false },
      ...Object.fromEntries(ADMISSION_LIMIT_FLAGS.map((f) => [f.flag, { type: 'string' as const }])),
    },
  });
  if (values.help) return console.log(USAGE);
  const role = positionals[0] ?? 'serve';
  if (role !== 'serve' && role !== 'worker') throw new Error(`unknown command "${role}"\n${USAGE}`);
  if (values.adapter) process.env.STUDIO_DAWN_ADAPTER = values.adapter;
  const engine = torchEngineOption(values);
  // Checked before anything starts: a refused token should not wait for a GPU or Redis.
  const { token } = role === 'serve' ? companionToken(values.token, process.env.STUDIO_COMPANION_TOKEN) : { token: '' };
  const limits = admissionLimitsFrom(values as unknown as Record<string, string | undefined>, process.env);
  const root = resolve(values.root);
  const disk = new DiskState();
  const uploads = new UploadStore(join(root, 'uploads'), { disk });
  const runDir = (jobId: string) => join(root, 'runs', jobId);

  if (role === 'worker') {
    if (!values.redis) throw new Error('a worker takes its jobs from Redis: pass --redis redis://host:6379');
    const info = engine ? await torchBackend(engine) : await chooseBackend(values.backend);
    const worker = startRedisWorker({ url: values.redis, prefix: values.prefix, backend: info.backend, ...(engine ? { engine } : {}), runDir, openSource: openJobSource(uploads), openWeights: openJobWeights(uploads), lockMs: Number(values['lock-ms']) });
    console.log(`companion worker ${worker.id} on ${info.backend} (${info.adapter}), runs in ${root}`);
    const stop = () => void worker.close().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    return;
  }

  let queue: JobQueue;
  let info: BackendInfo | { backend: string; adapter: string };
  if (values.redis) {
    const redisQueue = new RedisQueue(values.redis, values.prefix);
    await redisQueue.open();
    queue = redisQueue;
    info = { backend: 'workers', adapter: `BullMQ on ${new URL(values.redis).host}` };
    // The gateway builds submitted models on tfjs' CPU backend to estimate their memory; prod mode mutes its tfjs-node advice.
    tf.enableProdMode();
  } else {
    info = engine ? await torchBackend(engine) : await chooseBackend(values.backend);
    const embedded = new EmbeddedQueue({ root, backend: info.backend, ...(engine ? { engine } : {}), openSource: openJobSource(uploads), openWeights: openJobWeights(uploads), disk, isolate: { uploadsRoot: uploads.root } });
    await embedded.open();
    queue = embedded;
  }
  const server = createCompanionServer({
    queue,
    uploads,
    runDir,
    token,
    allowedOrigins: values.origin,
    maxBodyBytes: Number(values['max-body']),
    maxUploadBytes: Number(values['max-upload']),
    backend: info,
    disk,
    limits,
    ...(engine ? { engineProblems: (spec: unknown) => torchSpecProblems(spec, engine) } : {}),
  });
  server.listen(Number(values.port), values.host, () => {
    const where = values.redis ? `gateway to BullMQ on ${redactUrl(values.redis)}` : `${info.backend} (${info.adapter})`;
    console.log(`companion: ${where}; data in ${root}`);
    console.log(`  http://${values.host}:${values.port}/?token=${token}`);
  });
  const stop = () => {
    server.close();
    void queue.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(`companion: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
