import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';

/**
 * A tfjs weights manifest (`*-weights_manifest.json`, or a model.json's `weightsManifest`):
 * groups of weights, each group's tensors stored one after another in the concatenation of
 * its shard files. Quantized weights (uint8 / uint16 with a scale and a minimum, or float16)
 * are decoded by tfjs' own `io.decodeWeights`, the function face-api.js loads them with, so
 * the values are the ones its models compute with.
 */
const entrySchema = z.object({
  name: z.string().min(1),
  shape: z.array(z.number().int().nonnegative()),
  dtype: z.enum(['float32', 'int32']),
  quantization: z
    .object({
      dtype: z.enum(['uint8', 'uint16', 'float16']),
      scale: z.number().optional(),
      min: z.number().optional(),
    })
    .optional(),
});
const manifestSchema = z.array(z.object({ paths: z.array(z.string().min(1)).min(1), weights: z.array(entrySchema) })).min(1);

export type WeightsManifest = z.infer<typeof manifestSchema>;
export type WeightsManifestEntry = z.infer<typeof entrySchema>;

/** A decoded weight: float32 values in tfjs' layout. */
export interface TfjsWeight {
  shape: number[];
  data: Float32Array;
}

const BYTES: Record<string, number> = { float32: 4, int32: 4, uint8: 1, uint16: 2, float16: 2 };

/** Checks a parsed manifest; throws one sentence naming the first thing wrong with it. */
export function parseWeightsManifest(json: unknown): WeightsManifest {
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`not a tfjs weights manifest: at ${issue.path.join('.') || 'the top'}, ${issue.message}`);
  }
  for (const group of parsed.data) {
    for (const w of group.weights) {
      const q = w.quantization;
      if (q && q.dtype !== 'float16' && (q.scale === undefined || q.min === undefined)) throw new Error(`not a tfjs weights manifest: ${w.name} is quantized to ${q.dtype} without a scale and a minimum`);
    }
  }
  return parsed.data;
}

/** The shard paths a manifest reads, in order; a path that leaves the manifest's folder is refused. */
export function manifestPaths(manifest: WeightsManifest): string[] {
  const paths = manifest.flatMap((g) => g.paths);
  for (const p of paths) {
    if (p.startsWith('/') || /^[a-z][a-z0-9+.-]*:/i.test(p) || p.split(/[\\/]/).includes('..')) throw new Error(`the weights manifest names the shard "${p}", outside its own folder; refused`);
  }
  return paths;
}

/**
 * Every weight of the manifest, decoded from its shards (`shards.get(path)` for each path the
 * manifest names). A missing shard, or a group whose bytes are not exactly what its weights
 * need (a truncated or foreign file), is refused before anything is decoded.
 */
export function decodeTfjsWeights(manifest: WeightsManifest, shards: ReadonlyMap<string, Uint8Array>): Map<string, TfjsWeight> {
  const out = new Map<string, TfjsWeight>();
  manifestPaths(manifest);
  const groups = manifest.map((group) => {
    const parts = group.paths.map((p) => {
      const bytes = shards.get(p);
      if (!bytes) throw new Error(`the weights manifest needs the shard ${p}, which was not given`);
      return bytes;
    });
    const size = parts.reduce((s, b) => s + b.length, 0);
    const need = group.weights.reduce((s, w) => s + w.shape.reduce((a, d) => a * d, 1) * BYTES[w.quantization?.dtype ?? w.dtype], 0);
    if (size !== need) throw new Error(`the shards ${group.paths.join(', ')} hold ${size} bytes where the manifest's ${group.weights.length} weights need ${need} (truncated, or another model's file)`);
    const joined = new Uint8Array(size);
    let at = 0;
    for (const b of parts) {
      joined.set(b, at);
      at += b.length;
    }
    return { group, buffer: joined.buffer };
  });
  for (const { group, buffer } of groups) {
    const tensors = tf.io.decodeWeights(buffer, group.weights as tf.io.WeightsManifestEntry[]);
    for (const w of group.weights) {
      const t = tensors[w.name];
      if (out.has(w.name)) throw new Error(`the weights manifest names ${w.name} twice`);
      out.set(w.name, { shape: [...t.shape], data: Float32Array.from(t.dataSync()) });
    }
    tf.dispose(Object.values(tensors));
  }
  return out;
}
