import type * as tfl from '@tensorflow/tfjs-layers';
import { faceApiWeightName } from './faceApiWeightName.ts';
import { importNamedWeights, type WeightLoadReport } from './importNamedWeights.ts';
import type { TfjsWeight } from './tfjsWeightsManifest.ts';

/**
 * Writes face-api.js' face recognition weights (decoded from its manifest and .bin by
 * `decodeTfjsWeights`) into a faceRecognitionNet, by name; both are in tfjs' layout
 * (conv HWIO, dense [in, out]), so nothing is transposed. importNamedWeights' checks: a file
 * that is not this network's is refused in one sentence, a backbone weight missing or of
 * another shape is refused naming it, and an embedding of another width than the file's 128
 * starts fresh with the report saying so.
 */
export function importFaceApiWeights(model: tfl.LayersModel, weights: ReadonlyMap<string, TfjsWeight>): WeightLoadReport {
  if (model.name !== 'faceRecognitionNet') throw new Error(`face-api's face recognition weights are for faceRecognitionNet, not ${model.name}`);
  return importNamedWeights(model, {
    architecture: 'faceRecognitionNet',
    naming: 'face-api',
    tensors: weights,
    notInReference: "not part of face-api's face recognition network (the studio's own head)",
    newHead: 'new embedding',
    locate: (layer, variable) => {
      const module = faceApiWeightName(layer.name);
      const suffix = module?.weights[variable.originalName.split('/').pop()!];
      if (!module || suffix === undefined) return undefined;
      return { from: suffix ? `${module.prefix}/${suffix}` : module.prefix, head: module.head === true, fileShape: [...variable.shape] as number[] };
    },
    foreign: (found, backbone, misfits) => {
      const names = [...weights.keys()];
      const what = names.length === 0 ? 'it holds no weights' : `only ${found} of the ${backbone} backbone weights were found with the right shape; it holds ${names.slice(0, 3).join(', ')}${names.length > 3 ? ', …' : ''}`;
      // Tensors there by name but all of another shape: the model was built at another width.
      const width = misfits > backbone / 2 ? ' (pretrained weights need model.width 1)' : '';
      return `these weights are not face-api's face recognition model: ${what}${width}`;
    },
  });
}
