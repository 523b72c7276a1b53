import { Rng } from '../util/rng.ts';

export interface Pair {
  a: number;
  b: number;
  /** 1 = same identity (genuine), 0 = different (impostor). */
  same: 0 | 1;
}

/**
 * Pairs scored at most: every genuine and impostor pair of the identities up to this many
 * (about 1,400 images' worth), a sample without replacement beyond it. Scoring, ROC and the
 * 10-fold accuracy stay within seconds at this size; published protocols on such sets
 * (IJB's 1:1, MegaFace) score millions the same way.
 */
export const VERIFICATION_PAIR_CAP = 1_000_000;
/** Seeds the pairs' order (and a sample beyond the cap): fixed, so training and evaluation score the same pairs in the same folds. */
const PROTOCOL_SEED = 0x1f2e3d;

/** Which pairs a verification scored: all of them, or a sample without replacement beyond the cap. */
export interface PairProtocol {
  kind: 'all' | 'sampled';
  /** Pairs the identities hold, of each kind. */
  genuineTotal: number;
  impostorTotal: number;
  /** Pairs scored, of each kind. */
  genuine: number;
  impostor: number;
}

/**
 * The verification protocol on a set of identity labels (positions into `identities`):
 * every genuine pair (same identity) and every impostor pair (different identities) when
 * they number at most `cap`, as the standard all-pairs protocols score them; beyond it all
 * genuine pairs (up to half the cap, else a sample) and impostor pairs sampled without
 * replacement to fill it. The order is shuffled with a fixed seed and stratified, so LFW's
 * contiguous folds each hold both kinds, and every host scores the same pairs in the same folds.
 */
export function protocolPairs(identities: ArrayLike<number>, cap = VERIFICATION_PAIR_CAP): { pairs: Pair[]; protocol: PairProtocol } {
  const n = identities.length;
  const counts = new Map<number, number>();
  for (let i = 0; i < n; i++) counts.set(identities[i], (counts.get(identities[i]) ?? 0) + 1);
  let genuineTotal = 0;
  for (const c of counts.values()) genuineTotal += (c * (c - 1)) / 2;
  const impostorTotal = (n * (n - 1)) / 2 - genuineTotal;
  if (counts.size < 2 || genuineTotal === 0) {
    throw new Error(`verification needs at least 2 identities and one identity with 2+ images; got ${counts.size} identities, ${genuineTotal} genuine pairs`);
  }
  const rng = new Rng(PROTOCOL_SEED);
  let pairs: Pair[] = [];
  if (genuineTotal + impostorTotal <= cap) {
    for (let a = 0; a < n; a++) for (let b = a + 1; b < n; b++) pairs.push({ a, b, same: identities[a] === identities[b] ? 1 : 0 });
  } else {
    const genuine: Pair[] = [];
    for (let a = 0; a < n; a++) for (let b = a + 1; b < n; b++) if (identities[a] === identities[b]) genuine.push({ a, b, same: 1 });
    const keepGenuine = Math.min(genuine.length, Math.floor(cap / 2));
    if (keepGenuine < genuine.length) {
      rng.shuffle(genuine);
      genuine.length = keepGenuine;
    }
    const wanted = Math.min(impostorTotal, cap - keepGenuine);
    // Impostors far outnumber genuine pairs here, so drawing (a, b) and refusing repeats ends quickly.
    const taken = new Set<number>();
    const impostors: Pair[] = [];
    while (impostors.length < wanted) {
      const x = rng.int(n);
      const y = rng.int(n);
      if (x === y || identities[x] === identities[y]) continue;
      const [a, b] = x < y ? [x, y] : [y, x];
      const key = a * n + b;
      if (taken.has(key)) continue;
      taken.add(key);
      impostors.push({ a, b, same: 0 });
    }
    pairs = [...genuine, ...impostors];
  }
  const ordered = stratifiedOrder(pairs, rng);
  const genuine = ordered.reduce((k, p) => k + p.same, 0);
  return {
    pairs: ordered,
    protocol: { kind: pairs.length === genuineTotal + impostorTotal ? 'all' : 'sampled', genuineTotal, impostorTotal, genuine, impostor: pairs.length - genuine },
  };
}

/**
 * Each kind shuffled, then spread evenly through the list (the k-th of G genuine pairs at
 * rank (k + ½)/G, likewise the impostors), so every contiguous fold of LFW's protocol holds
 * its share of both kinds, as scikit-learn's StratifiedKFold would cut them.
 */
function stratifiedOrder(pairs: Pair[], rng: Rng): Pair[] {
  const genuine = rng.shuffle(pairs.filter((p) => p.same === 1));
  const impostors = rng.shuffle(pairs.filter((p) => p.same === 0));
  const out: Pair[] = [];
  let g = 0;
  let i = 0;
  while (g < genuine.length || i < impostors.length) {
    const nextG = g < genuine.length ? (g + 0.5) / genuine.length : Infinity;
    const nextI = i < impostors.length ? (i + 0.5) / impostors.length : Infinity;
    out.push(nextG <= nextI ? genuine[g++] : impostors[i++]);
  }
  return out;
}

/** The protocol's pairs alone (`protocolPairs`). */
export function verificationPairs(identities: ArrayLike<number>, cap = VERIFICATION_PAIR_CAP): Pair[] {
  return protocolPairs(identities, cap).pairs;
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
