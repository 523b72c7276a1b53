import * as tf from '@tensorflow/tfjs-core';

/** Compute dispatches recorded since it started, by the label of each one's pipeline. */
export interface DispatchCounter {
  readonly labels: readonly string[];
  stop(): void;
}

/**
 * Counts the compute dispatches recorded on the active webgpu backend until `stop`, by the
 * label of each one's pipeline (tfjs labels its pipelines with the program's class name, the
 * studio's own with their shader key): it wraps the real encoder's methods, nothing else. A
 * kernel's launches are what a GPU pays for per step whatever their size, so the bench
 * reports them next to samples/s.
 */
export function startCountingDispatches(): DispatchCounter {
  const device = (tf.backend() as unknown as { device?: GPUDevice }).device;
  if (!device) throw new Error(`counting dispatches needs the webgpu backend, not ${tf.getBackend()}`);
  const probe = device.createCommandEncoder().beginComputePass();
  const proto = Object.getPrototypeOf(probe) as GPUComputePassEncoder;
  probe.end();
  const { setPipeline, dispatchWorkgroups } = proto;
  const labels: string[] = [];
  let label = '';
  proto.setPipeline = function (pipeline: GPUComputePipeline) {
    label = pipeline.label;
    return setPipeline.call(this, pipeline);
  };
  proto.dispatchWorkgroups = function (...size: Parameters<GPUComputePassEncoder['dispatchWorkgroups']>) {
    labels.push(label);
    return dispatchWorkgroups.apply(this, size);
  };
  return { labels, stop: () => Object.assign(proto, { setPipeline, dispatchWorkgroups }) };
}

/** The dispatches `run` records on the active webgpu backend (see `startCountingDispatches`). */
export async function countDispatches<T>(run: () => T | Promise<T>): Promise<{ result: T; dispatches: readonly string[] }> {
  const counter = startCountingDispatches();
  try {
    return { result: await run(), dispatches: counter.labels };
  } finally {
    counter.stop();
  }
}
