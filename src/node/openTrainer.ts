import type { RunSpec } from '../core/spec/runSpec.ts';
import type { Checkpoint } from '../core/train/checkpoint.ts';
import { prepareData, type PreparedData } from '../core/train/prepareData.ts';
import { Trainer } from '../core/train/trainer.ts';
import { initNodeBackend, type BackendInfo, type NodeBackendName } from './backend.ts';
import { openSource } from './trainRun.ts';

/** Starts a backend, loads a spec's data and builds its Trainer: the common opening of the CLI's eval and lr-find. */
export async function openTrainer(opts: {
  spec: RunSpec;
  backend: NodeBackendName;
  dataDir?: string;
  resume?: Checkpoint;
}): Promise<{ trainer: Trainer; data: PreparedData; info: BackendInfo }> {
  const info = await initNodeBackend(opts.backend);
  const data = await prepareData(openSource(opts.spec, opts.dataDir), opts.spec);
  const trainer = new Trainer({ spec: opts.spec, data, backend: info.backend, ...(opts.resume ? { resume: opts.resume } : {}) });
  return { trainer, data, info };
}
