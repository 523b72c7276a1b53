import { readFile } from 'node:fs/promises';
import { readSafetensors } from '../core/pretrained/safetensors.ts';
import type { RunSpec } from '../core/spec/runSpec.ts';
import { loadInitialWeights } from '../node/loadInitialWeights.ts';
import type { UploadStore } from './uploadStore.ts';

/** What a job's `model.initialWeights` loads on a companion: loadInitialWeights' contract, with the companion's sources. */
export type JobWeightsLoader = typeof loadInitialWeights;

/**
 * Why a spec's initial weights cannot start a job here, or undefined when they can; checked
 * before a job is queued. A companion reads weights it ships (face-api's) or a safetensors
 * file uploaded to it as a blob, found by the SHA-256 the spec names — never the spec's
 * `path`, which is only the file's name on the client's side.
 */
export function jobWeightsProblem(spec: RunSpec, uploads: UploadStore): { status: 400 | 409; message: string } | undefined {
  const w = spec.model.initialWeights;
  if (w === undefined || w.from === 'faceApi') return undefined;
  if (w.from !== 'safetensors') {
    return { status: 400, message: `model.initialWeights from "${w.from}" names a path, which a companion never reads from a client; upload a safetensors file (PUT /blobs/<sha256>) and name it by its sha256` };
  }
  if (w.sha256 === undefined) return { status: 400, message: 'model.initialWeights needs the file\'s sha256: a companion reads uploaded weights by their hash, never a path' };
  if (!uploads.hasBlob(w.sha256)) return { status: 409, message: `the weights “${w.path}” (SHA-256 ${w.sha256.slice(0, 12)}…) have not been uploaded to this companion; upload them first (PUT /blobs/${w.sha256})` };
  return undefined;
}

/**
 * The loader a companion's jobs use: face-api's shipped weights as any host reads them, a
 * safetensors file from the upload store by its hash, and nothing else. A job queued before
 * an upload was removed, or one that names a path, fails saying so.
 */
export function openJobWeights(uploads: UploadStore): JobWeightsLoader {
  return async (model) => {
    const w = model.initialWeights;
    if (w.from === 'faceApi') return loadInitialWeights(model);
    if (w.from === 'safetensors' && w.sha256 !== undefined) {
      const file = uploads.blobFile(w.sha256);
      if (!file) throw new Error(`the weights “${w.path}” (SHA-256 ${w.sha256.slice(0, 12)}…) are not on this companion; upload them again (PUT /blobs/${w.sha256})`);
      return { safetensors: readSafetensors(new Uint8Array(await readFile(file))), naming: w.naming };
    }
    throw new Error(`model.initialWeights from "${w.from}" cannot be read on a companion: it reads uploaded weights by their sha256, never a path`);
  };
}

/** The loader of a host that takes no uploaded weights: face-api's shipped ones only. */
export const shippedWeightsOnly: JobWeightsLoader = async (model) => {
  if (model.initialWeights.from === 'faceApi') return loadInitialWeights(model);
  throw new Error('this companion takes no uploaded weights; train from scratch, or fine-tune in the studio or the CLI');
};
