import type * as tfl from '@tensorflow/tfjs-layers';
import type { Architecture } from '../spec/runSpec.ts';
import { studioTorchTensors } from './studioTorchTensors.ts';

/**
 * A zoo model's weights as a PyTorch state_dict in studio-torch names (docs/torch-engine.md):
 * what the torch engine starts from and hands back. The exact inverse of
 * importStudioTorchWeights; ready for writeSafetensors.
 */
export function exportTorchWeights(model: tfl.LayersModel, architecture: Architecture): { name: string; shape: number[]; data: Float32Array }[] {
  return studioTorchTensors(model, architecture).map((t) => ({ name: t.name, shape: t.shape, data: t.toTorch(t.variable.read().dataSync() as Float32Array) }));
}
