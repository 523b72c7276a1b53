/// <reference lib="webworker" />
import '@tensorflow/tfjs-backend-webgpu';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { syntheticSource } from '../core/data/syntheticSource.ts';
import { parseRunSpec } from '../core/spec/runSpec.ts';
import { prepareData } from '../core/train/prepareData.ts';
import { Trainer } from '../core/train/trainer.ts';
import type { FromEngine, ToEngine } from './protocol.ts';

/**
 * The worker that hosts the training core in the browser. It is a switch around pure core
 * code: the page never runs training on the main thread, so the UI stays responsive.
 */
declare const self: DedicatedWorkerGlobalScope;

const post = (message: FromEngine) => self.postMessage(message);
const trainers = new Map<string, Trainer>();
let backendLabel = 'cpu';

async function init(prefer: string[]): Promise<void> {
  for (const name of prefer) {
    try {
      if (await tf.setBackend(name)) {
        await tf.ready();
        const info = (tf.backend() as unknown as { adapterInfo?: { vendor?: string; architecture?: string } }).adapterInfo;
        const adapter = name === 'webgpu' ? [info?.vendor, info?.architecture].filter(Boolean).join(' ') || 'unknown adapter' : name;
        backendLabel = name;
        post({ type: 'ready', backend: name, adapter });
        return;
      }
    } catch {
      // Try the next backend: WebGPU is missing in many browsers, WebGL in some workers.
    }
  }
  post({ type: 'error', message: `none of the backends ${prefer.join(', ')} could start` });
}

async function train(runId: string, input: unknown): Promise<void> {
  const spec = parseRunSpec(input);
  const src = spec.data.source;
  if (src.kind !== 'synthetic') throw new Error(`this build trains generated datasets only; got data.source.kind "${src.kind}"`);
  const source = syntheticSource({
    generator: src.generator,
    classes: src.classes,
    perClass: src.perClass,
    imageSize: spec.data.imageSize,
    seed: spec.training.seed,
  });
  const data = await prepareData(source, spec, (done, total) => post({ type: 'loadProgress', runId, done, total }));
  const trainer = new Trainer({ spec, data, backend: backendLabel, onEvent: (event) => post({ type: 'event', runId, event }) });
  trainers.set(runId, trainer);
  try {
    await trainer.fit();
  } finally {
    trainers.delete(runId);
    trainer.dispose();
    data.cache.dispose?.();
  }
}

self.onmessage = (e: MessageEvent<ToEngine>) => {
  const msg = e.data;
  switch (msg.type) {
    case 'init':
      void init(msg.prefer);
      break;
    case 'train':
      train(msg.runId, msg.spec).catch((err: unknown) =>
        post({ type: 'error', runId: msg.runId, message: err instanceof Error ? err.message : String(err) }),
      );
      break;
    case 'pause':
      void trainers.get(msg.runId)?.pause().then(() => post({ type: 'paused', runId: msg.runId }));
      break;
    case 'resume':
      trainers.get(msg.runId)?.resume();
      break;
    case 'stop':
      trainers.get(msg.runId)?.stop();
      break;
    default: {
      const never: never = msg;
      post({ type: 'error', message: `unknown message ${JSON.stringify(never)}` });
    }
  }
};
