import { env, type DataId, type TensorInfo } from '@tensorflow/tfjs-core';
import type { ProgramUniform, WebgpuBackendLike } from './webgpuProgram.ts';

/**
 * The parts of tfjs-backend-webgpu 4.22's `WebGPUBackend` that its own `recordAndSubmit`
 * uses to put a dispatch into the backend's batched compute pass. They are not public API:
 * the studio needs them for programs with more than one output, which tfjs's program model
 * (one `result` binding) cannot express. tfjs is pinned, and `hasDispatchInternals` checks
 * every member before use, so a backend without them gets the one-output path instead.
 */
interface BackendInternals {
  device: GPUDevice;
  makeTensorInfo(shape: number[], dtype: 'float32'): TensorInfo;
  uploadToGPU(dataId: DataId): void;
  tensorToBinding(tensor: TensorInfo): GPUBindingResource;
  makeUniforms(uniforms: ProgramUniform[]): GPUBufferBinding;
  ensureCommandEncoderReady(): void;
  endComputePassEncoder(): void;
  submitQueue(): void;
  commandEncoder: GPUCommandEncoder | null;
  computePassEncoder: GPUComputePassEncoder | null;
  dispatchCountInPass: number;
  commandQueueOwnedIds: WeakSet<DataId>;
  /** Set while tf.time / tf.profile time kernels; each dispatch then gets its own timed pass. */
  activeTimers: { name: string; query: Promise<number> }[] | null | undefined;
  supportTimestampQuery: boolean;
  querySet: GPUQuerySet | null | undefined;
  querySetCount: number;
  getQueryTime(): Promise<number>;
}

const METHODS = ['makeTensorInfo', 'uploadToGPU', 'tensorToBinding', 'makeUniforms', 'ensureCommandEncoderReady', 'endComputePassEncoder', 'submitQueue', 'getQueryTime'] as const;
const FIELDS = ['device', 'dispatchCountInPass', 'commandQueueOwnedIds', 'supportTimestampQuery', 'querySetCount'] as const;

/** Whether `backend` has everything `recordDispatch` touches (tfjs-backend-webgpu 4.22 does). */
export function hasDispatchInternals(backend: WebgpuBackendLike): boolean {
  const b = backend as unknown as Record<string, unknown>;
  return METHODS.every((m) => typeof b[m] === 'function') && FIELDS.every((f) => b[f] !== undefined) && 'computePassEncoder' in b;
}

interface Compiled {
  pipeline: GPUComputePipeline;
  /** Asked once: each `getBindGroupLayout` call is a native call and a new object. */
  layout: GPUBindGroupLayout;
}

const compiled = new WeakMap<GPUDevice, Map<string, Compiled>>();

/** The compiled pipeline for `code`, compiled once per device under `key` (which must name everything in the code). */
function pipelineFor(device: GPUDevice, key: string, code: () => string): Compiled {
  let cache = compiled.get(device);
  if (!cache) compiled.set(device, (cache = new Map()));
  let entry = cache.get(key);
  if (!entry) {
    const pipeline = device.createComputePipeline({ layout: 'auto', label: key, compute: { module: device.createShaderModule({ code: code(), label: key }), entryPoint: '_start' } });
    entry = { pipeline, layout: pipeline.getBindGroupLayout(0) };
    cache.set(key, entry);
  }
  return entry;
}

export interface Dispatch {
  /** Names the shader: everything compiled into `code` must be in it. */
  key: string;
  /** A whole WGSL module, entry point `_start`; bindings in group 0: outputs, then inputs, then the uniforms. */
  code: () => string;
  /** Each a new float32 tensor of `shape`, or `into`, an existing one the dispatch writes (allocated on first use). */
  outputs: { shape: number[]; into?: TensorInfo }[];
  inputs: readonly TensorInfo[];
  uniforms: ProgramUniform[];
  workgroups: [number, number, number];
}

/**
 * Allocates the new `outputs` (float32) and records one dispatch writing all of them in the
 * backend's current compute pass, as tfjs's `recordAndSubmit` records its own: the same
 * submit batching, the same deferred release of tensors the queued commands still use, and
 * a timed pass of its own while tf.time / tf.profile are timing kernels.
 */
export function recordDispatch(backend: WebgpuBackendLike, d: Dispatch): TensorInfo[] {
  const b = backend as unknown as BackendInternals;
  const outputs = d.outputs.map((o) => o.into ?? b.makeTensorInfo(o.shape, 'float32'));
  const bound = [...outputs, ...d.inputs];
  for (const t of bound) b.uploadToGPU(t.dataId);
  const { pipeline, layout } = pipelineFor(b.device, d.key, d.code);
  const bindGroup = b.device.createBindGroup({
    layout,
    entries: [...bound.map((t) => b.tensorToBinding(t)), b.makeUniforms(d.uniforms)].map((resource, binding) => ({ binding, resource })),
  });
  for (const t of bound) b.commandQueueOwnedIds.add(t.dataId);

  b.ensureCommandEncoderReady();
  const encoder = b.commandEncoder!;
  const timed = b.activeTimers != null;
  if (timed && b.supportTimestampQuery) {
    b.endComputePassEncoder();
    b.querySet ??= b.device.createQuerySet({ type: 'timestamp', count: b.querySetCount });
    b.computePassEncoder = encoder.beginComputePass({ timestampWrites: { querySet: b.querySet, beginningOfPassWriteIndex: 0, endOfPassWriteIndex: 1 } });
  } else {
    b.computePassEncoder ??= encoder.beginComputePass({});
  }
  b.computePassEncoder.setPipeline(pipeline);
  b.computePassEncoder.setBindGroup(0, bindGroup);
  b.computePassEncoder.dispatchWorkgroups(...d.workgroups);
  b.dispatchCountInPass++;
  if (timed) {
    b.endComputePassEncoder();
    b.activeTimers!.push({ name: d.key, query: b.getQueryTime() });
  } else if (b.dispatchCountInPass >= Number(env().get('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE'))) {
    b.endComputePassEncoder();
    b.submitQueue();
  }
  return outputs;
}
