import type { OptimizerState } from '../optim/index.ts';

/** A named float32 tensor as stored in a checkpoint. */
export interface StoredTensor {
  name: string;
  shape: number[];
  data: Float32Array;
}

/**
 * Everything needed to continue a run exactly where it stopped: weights (the model's and
 * any loss-side variables such as a margin head's class centres), optimizer slots, the
 * RNG state that drives shuffling and augmentation, schedule and early-stopping state.
 */
export interface Checkpoint {
  format: 'studio-checkpoint/1';
  specHash: string;
  /** Epochs completed (the next epoch to run is this value). */
  epoch: number;
  /** Optimizer updates completed. */
  step: number;
  rngState: number;
  weights: StoredTensor[];
  /** Non-model trainable variables (e.g. the ArcFace class-centre matrix). */
  extraWeights: StoredTensor[];
  optimizer: OptimizerState;
  scheduleState?: unknown;
  /** Masks drawn so far by each SeededDropout layer, in model order, so resumed dropout draws the same masks. */
  dropoutCalls?: number[];
  earlyStoppingState?: unknown;
  best?: { epoch: number; monitor: string; value: number };
  classNames: string[];
  time: number;
}

interface ManifestTensor {
  name: string;
  shape: number[];
  offset: number;
  length: number;
}

/** JSON part of an encoded checkpoint; the tensors live in one binary blob beside it. */
export interface CheckpointManifest {
  format: 'studio-checkpoint/1';
  meta: Omit<Checkpoint, 'weights' | 'extraWeights' | 'optimizer'> & {
    optimizer: Omit<OptimizerState, 'slots'> & { slots: { name: string; tensors: ManifestTensor[] }[] };
  };
  weights: ManifestTensor[];
  extraWeights: ManifestTensor[];
}

/**
 * Splits a checkpoint into a JSON manifest and one little-endian float32 buffer, the shape
 * both IndexedDB (a record + a Blob) and a run directory (checkpoint.json + .bin) store.
 */
export function encodeCheckpoint(ckpt: Checkpoint): { manifest: CheckpointManifest; data: ArrayBuffer } {
  const all: Float32Array[] = [];
  let offset = 0;
  const place = (t: { name: string; shape: number[]; data: Float32Array }): ManifestTensor => {
    const entry = { name: t.name, shape: t.shape, offset, length: t.data.length };
    all.push(t.data);
    offset += t.data.length;
    return entry;
  };
  const weights = ckpt.weights.map(place);
  const extraWeights = ckpt.extraWeights.map(place);
  const slots = ckpt.optimizer.slots.map((slot) => ({
    name: slot.name,
    tensors: slot.tensors.map((t, i) => place({ name: `${slot.name}/${i}`, shape: t.shape, data: t.data })),
  }));
  const buffer = new Float32Array(offset);
  let at = 0;
  for (const data of all) {
    buffer.set(data, at);
    at += data.length;
  }
  const { weights: _w, extraWeights: _e, optimizer, ...rest } = ckpt;
  return {
    manifest: { format: ckpt.format, meta: { ...rest, optimizer: { ...optimizer, slots } }, weights, extraWeights },
    data: buffer.buffer,
  };
}

export function decodeCheckpoint(manifest: CheckpointManifest, data: ArrayBuffer): Checkpoint {
  if (manifest.format !== 'studio-checkpoint/1') {
    throw new Error(`unsupported checkpoint format: ${String(manifest.format)}`);
  }
  const floats = new Float32Array(data);
  const take = (t: ManifestTensor): StoredTensor => {
    if (t.offset + t.length > floats.length) {
      throw new Error(`checkpoint data is truncated: tensor ${t.name} needs ${t.offset + t.length} floats, file has ${floats.length}`);
    }
    return { name: t.name, shape: t.shape, data: floats.slice(t.offset, t.offset + t.length) };
  };
  const { optimizer, ...meta } = manifest.meta;
  return {
    ...meta,
    weights: manifest.weights.map(take),
    extraWeights: manifest.extraWeights.map(take),
    optimizer: {
      ...optimizer,
      slots: optimizer.slots.map((s) => ({ name: s.name, tensors: s.tensors.map((t) => ({ shape: t.shape, data: take(t).data })) })),
    },
  };
}
