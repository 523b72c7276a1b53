import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { StoredTensor } from './checkpoint.ts';

/** Reads every weight of a model back to the host, named by layer (e.g. "stage1_conv/kernel"). */
export async function readWeights(model: tfl.LayersModel): Promise<StoredTensor[]> {
  return Promise.all(
    model.weights.map(async (w) => ({
      name: w.originalName,
      shape: [...w.read().shape],
      data: (await w.read().data()) as Float32Array,
    })),
  );
}

export async function readVariables(variables: tf.Variable[]): Promise<StoredTensor[]> {
  return Promise.all(
    variables.map(async (v) => ({ name: v.name, shape: [...v.shape], data: (await v.data()) as Float32Array })),
  );
}

function sameShape(a: readonly (number | null)[], b: readonly (number | null)[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** LayerVariable.write copies into the variable, so the temporary must be freed here. */
function writeOne(w: tfl.LayerVariable, s: StoredTensor): void {
  const t = tf.tensor(s.data, s.shape);
  w.write(t);
  t.dispose();
}

/** Names that tell every weight apart, or undefined when two share one. */
function uniqueNames(names: string[]): Set<string> | undefined {
  const set = new Set(names);
  return set.size === names.length ? set : undefined;
}

/**
 * Writes stored tensors into a model. `exact` (resuming a checkpoint of the same spec)
 * demands the same weights: matched by name, since tfjs lists trainable weights first and
 * a backbone unfrozen mid-run (model.unfreezeAfterEpochs) reorders them; by position when
 * names repeat. Otherwise (fine-tuning from another
 * model) weights are matched by name and shape and the rest keep their initialization,
 * which is what transfer learning with a new head needs.
 */
export function writeWeights(
  model: tfl.LayersModel,
  stored: StoredTensor[],
  mode: 'exact' | 'matching',
): { loaded: number; skipped: string[] } {
  const weights = model.weights;
  if (mode === 'exact') {
    if (stored.length !== weights.length) {
      throw new Error(`checkpoint has ${stored.length} weights, the model has ${weights.length}: it was made for another model`);
    }
    const held = uniqueNames(weights.map((w) => w.originalName));
    const given = uniqueNames(stored.map((s) => s.name));
    if (held && given && [...given].every((n) => held.has(n))) {
      const byName = new Map(stored.map((s) => [s.name, s]));
      const pairs = weights.map((w) => [w, byName.get(w.originalName)!] as const);
      for (const [w, s] of pairs) {
        if (!sameShape(w.shape, s.shape)) throw new Error(`checkpoint weight ${s.name} has shape [${s.shape}], the model's has [${w.shape}]`);
      }
      pairs.forEach(([w, s]) => writeOne(w, s));
      return { loaded: weights.length, skipped: [] };
    }
    weights.forEach((w, i) => {
      if (!sameShape(w.shape, stored[i].shape)) {
        throw new Error(`checkpoint weight ${stored[i].name} has shape [${stored[i].shape}], model weight ${w.originalName} has [${w.shape}]`);
      }
    });
    weights.forEach((w, i) => writeOne(w, stored[i]));
    return { loaded: weights.length, skipped: [] };
  }
  const byName = new Map(stored.map((s) => [s.name, s]));
  const skipped: string[] = [];
  let loaded = 0;
  for (const w of weights) {
    const s = byName.get(w.originalName);
    if (s && sameShape(s.shape, w.shape)) {
      writeOne(w, s);
      loaded++;
    } else {
      skipped.push(w.originalName);
    }
  }
  return { loaded, skipped };
}

export function writeVariables(variables: tf.Variable[], stored: StoredTensor[]): void {
  if (stored.length !== variables.length) {
    throw new Error(`checkpoint has ${stored.length} loss-side variables, the run has ${variables.length}`);
  }
  variables.forEach((v, i) => {
    if (!sameShape(v.shape, stored[i].shape)) throw new Error(`checkpoint variable ${stored[i].name} has the wrong shape`);
    tf.tidy(() => v.assign(tf.tensor(stored[i].data, stored[i].shape)));
  });
}
