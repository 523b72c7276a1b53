import type * as tfl from '@tensorflow/tfjs-layers';
import { exportOnnx } from './exportOnnx.ts';
import { exportTfjs, type ExportFile } from './exportTfjs.ts';
import type { PreprocessingSpec } from './preprocessingSpec.ts';

export type { ExportFile } from './exportTfjs.ts';

/** The model's files in a format, plus preprocessing.json: what the browser zips and the CLI writes to a directory. */
export async function exportModel(model: tfl.LayersModel, format: 'tfjs' | 'onnx', preprocessing: PreprocessingSpec): Promise<ExportFile[]> {
  const files = format === 'onnx' ? [{ name: 'model.onnx', bytes: await exportOnnx(model, { preprocessing }) }] : await exportTfjs(model);
  return [...files, { name: 'preprocessing.json', bytes: new TextEncoder().encode(`${JSON.stringify(preprocessing, null, 2)}\n`) }];
}
