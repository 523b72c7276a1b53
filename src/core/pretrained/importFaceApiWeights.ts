import type * as tfl from '@tensorflow/tfjs-layers';
import type { Architecture } from '../spec/runSpec.ts';
import { faceApiArchitectures, faceApiModelOf } from './faceApiModels.ts';
import { faceApiExpressionWeightName, faceApiWeightName, type FaceApiModule } from './faceApiWeightName.ts';
import { importNamedWeights, type WeightLoadReport } from './importNamedWeights.ts';
import type { TfjsWeight } from './tfjsWeightsManifest.ts';

/** Each face-api network's name mapping, and what its reference lacks that the zoo's model has. */
const NAMING: Partial<Record<Architecture, { locate: (layer: string) => FaceApiModule | undefined; notInReference: string; newHead: string; ignored?: (name: string) => boolean }>> = {
  faceRecognitionNet: {
    locate: faceApiWeightName,
    notInReference: "not part of face-api's face recognition network (the studio's own head)",
    newHead: 'new embedding',
  },
  faceExpressionNet: {
    locate: faceApiExpressionWeightName,
    notInReference: "the studio's own head, trained for this dataset's classes (face-api's classifier names its seven expressions in its own order)",
    newHead: 'new head',
    ignored: (name) => name.startsWith('fc/'),
  },
};

/**
 * Writes one of face-api.js' networks' weights (decoded from its manifest and .bin by
 * `decodeTfjsWeights`) into the zoo model of that network, by name; both are in tfjs' layout
 * (conv HWIO, depthwise [k, k, C, 1], dense [in, out]), so nothing is transposed.
 * importNamedWeights' checks: a file that is not this network's is refused in one sentence,
 * a backbone weight missing or of another shape is refused naming it, and a head the file
 * does not fit (an embedding of another width than face recognition's 128) starts fresh
 * with the report saying so.
 */
export function importFaceApiWeights(model: tfl.LayersModel, weights: ReadonlyMap<string, TfjsWeight>): WeightLoadReport {
  const architecture = model.name as Architecture;
  const network = faceApiModelOf(architecture);
  const naming = NAMING[architecture];
  if (!network || !naming) throw new Error(`face-api's weights are for ${faceApiArchitectures()}, not ${model.name}`);
  return importNamedWeights(model, {
    architecture,
    naming: 'face-api',
    tensors: weights,
    notInReference: naming.notInReference,
    newHead: naming.newHead,
    ...(naming.ignored ? { ignored: naming.ignored } : {}),
    locate: (layer, variable) => {
      const module = naming.locate(layer.name);
      const suffix = module?.weights[variable.originalName.split('/').pop()!];
      if (!module || suffix === undefined) return undefined;
      return { from: suffix ? `${module.prefix}/${suffix}` : module.prefix, head: module.head === true, fileShape: [...variable.shape] as number[] };
    },
    foreign: (found, backbone, misfits) => {
      const names = [...weights.keys()];
      const what = names.length === 0 ? 'it holds no weights' : `only ${found} of the ${backbone} backbone weights were found with the right shape; it holds ${names.slice(0, 3).join(', ')}${names.length > 3 ? ', …' : ''}`;
      // Tensors there by name but all of another shape: the model was built at another width.
      const width = misfits > backbone / 2 ? ' (pretrained weights need model.width 1)' : '';
      return `these weights are not face-api's ${network.title}: ${what}${width}`;
    },
  });
}
