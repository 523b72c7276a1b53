import { Rng } from '../util/rng.ts';

export interface Pair {
  a: number;
  b: number;
  /** 1 = same identity (genuine), 0 = different (impostor). */
  same: 0 | 1;
}

/**
 * Builds genuine and impostor pairs from identity labels (positions into `identities`),
 * balanced and deterministic for a seed. Every genuine pair is used up to `maxPerKind`;
 * impostors are drawn at random from different identities, as many as there are
 * genuine pairs, so ROC / EER are not dominated by the much larger impostor set.
 */
export function verificationPairs(identities: ArrayLike<number>, seed: number, maxPerKind = 3000): Pair[] {
  const rng = new Rng(seed);
  const byIdentity = new Map<number, number[]>();
  for (let i = 0; i < identities.length; i++) {
    const list = byIdentity.get(identities[i]) ?? [];
    list.push(i);
    byIdentity.set(identities[i], list);
  }
  const genuine: Pair[] = [];
  for (const members of byIdentity.values()) {
    for (let i = 0; i < members.length; i++) {
      for (let j = i + 1; j < members.length; j++) genuine.push({ a: members[i], b: members[j], same: 1 });
    }
  }
  if (byIdentity.size < 2 || genuine.length === 0) {
    throw new Error(
      `verification needs at least 2 identities and one identity with 2+ images; got ${byIdentity.size} identities, ${genuine.length} genuine pairs`,
    );
  }
  rng.shuffle(genuine);
  const kept = genuine.slice(0, maxPerKind);
  const impostors: Pair[] = [];
  const n = identities.length;
  let guard = 0;
  while (impostors.length < kept.length && guard++ < kept.length * 50) {
    const a = rng.int(n);
    const b = rng.int(n);
    if (identities[a] !== identities[b]) impostors.push({ a, b, same: 0 });
  }
  // Interleave so contiguous folds (LFW protocol) each hold both kinds.
  const pairs: Pair[] = [];
  for (let i = 0; i < Math.max(kept.length, impostors.length); i++) {
    if (i < kept.length) pairs.push(kept[i]);
    if (i < impostors.length) pairs.push(impostors[i]);
  }
  return pairs;
}

/** Cosine similarity of two rows of a row-major [N, D] embedding matrix. */
export function cosineAt(embeddings: Float32Array, dim: number, a: number, b: number): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let k = 0; k < dim; k++) {
    const x = embeddings[a * dim + k];
    const y = embeddings[b * dim + k];
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return dot / (Math.sqrt(na * nb) || 1);
}
