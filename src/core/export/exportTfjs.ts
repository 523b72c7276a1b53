import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

/** One file of an export: its name in the download (or directory) and its bytes. */
export interface ExportFile {
  name: string;
  bytes: Uint8Array;
}

export const TFJS_WEIGHTS_FILE = 'weights.bin';

/**
 * The model as tfjs' LayersModel format: model.json (topology + weights manifest) and one
 * weights file, loadable by tf.loadLayersModel where the studio's custom layers are
 * registered (importing the studio's core registers them).
 */
export async function exportTfjs(model: tfl.LayersModel): Promise<ExportFile[]> {
  let files: ExportFile[] = [];
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weights = artifacts.weightData ? new Uint8Array(tf.io.concatenateArrayBuffers(artifacts.weightData as ArrayBuffer | ArrayBuffer[])) : new Uint8Array();
      const modelJson = {
        format: 'layers-model',
        generatedBy: 'webgpu-training-studio',
        convertedBy: null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: [TFJS_WEIGHTS_FILE], weights: artifacts.weightSpecs ?? [] }],
      };
      files = [
        { name: 'model.json', bytes: new TextEncoder().encode(JSON.stringify(modelJson)) },
        { name: TFJS_WEIGHTS_FILE, bytes: weights },
      ];
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: weights.byteLength } };
    }),
  );
  return files;
}
