import type { TensorInfo } from '@tensorflow/tfjs-core';
import { componentsFor, runElementwiseOutputs } from './elementwiseProgram.ts';
import type { WebgpuBackendLike } from './webgpuProgram.ts';

/**
 * A fused update over tensors of one shape (an optimizer step, a moving average): its inputs,
 * per-step float constants, a WGSL body shared by every output and one result expression
 * per output, written for either element type `T` (f32 or vec4<f32>; see ElementwiseOp).
 */
export interface FusedStep {
  name: string;
  inputs: readonly string[];
  constants: readonly string[];
  body: string;
  outputs: Record<string, string>;
}

/**
 * Runs every output of `step` over `inputs` (checked: float32, one shape) in one launch
 * (see `runElementwiseOutputs`); four elements per invocation when the size is a multiple of 4.
 */
export function runFusedStep(backend: WebgpuBackendLike, step: FusedStep, kernelName: string, inputs: Record<string, TensorInfo>, constants: Record<string, number>): TensorInfo[] {
  const first = inputs[step.inputs[0]];
  const ordered = step.inputs.map((name) => {
    const t = inputs[name] as TensorInfo | undefined;
    if (!t || t.dtype !== 'float32') throw new Error(`${kernelName}: '${name}' must be a float32 tensor`);
    if (t.shape.join() !== first.shape.join()) throw new Error(`${kernelName}: '${name}' has shape [${t.shape}], '${step.inputs[0]}' [${first.shape}]`);
    return t;
  });
  const components = componentsFor(first.shape.reduce((a, b) => a * b, 1));
  return runElementwiseOutputs(
    backend,
    { key: step.name, inputs: step.inputs, floats: step.constants, body: step.body, results: step.outputs, vec4: true },
    ordered,
    first.shape,
    constants,
    components,
  );
}
