import { Rng } from '../util/rng.ts';
import type { SampleRef } from './sampleSource.ts';

export interface SplitFractions {
  train: number;
  val: number;
  test: number;
  /** 'stratified': every class in every split; 'identity': no identity in two splits. */
  by: 'stratified' | 'identity';
  /**
   * Identities put in the validation or test split by name (identity splits only): a split
   * named here holds exactly these, its fraction ignored, and the other identities are
   * shared among the remaining splits by their fractions, seeded as before.
   */
  heldOut?: { val?: readonly string[]; test?: readonly string[] };
}

export interface SplitIndices {
  train: number[];
  val: number[];
  test: number[];
}

/**
 * Splits samples deterministically: the same refs and seed give the same split on every
 * host and in whatever order the host listed the files, because refs are sorted by id
 * before anything is drawn. Returns indices into `refs`, each list in ascending order.
 *
 * Stratified: each class is shuffled on its own stream and cut by the fractions, so
 * adding a class leaves the other classes' splits unchanged; a class with at least 3
 * samples gets at least one in every split whose fraction is non-zero.
 *
 * Identity: whole identities (`identity ?? className`) are shuffled and assigned, so no
 * identity appears in two splits (seed 000 validates on people it never trained on). The
 * cut follows the samples' share, not the identities' count, so one identity with many
 * images does not skew the proportions; with at least 3 identities every non-zero split
 * gets at least one.
 */
export function splitSamples(refs: SampleRef[], split: SplitFractions, seed: number): SplitIndices {
  const fractions = [split.train, split.val, split.test];
  if (fractions.some((f) => !(f >= 0)) || Math.abs(fractions[0] + fractions[1] + fractions[2] - 1) > 1e-6) {
    throw new Error(`split fractions must be >= 0 and sum to 1, got train ${split.train}, val ${split.val}, test ${split.test}`);
  }
  const order = refs.map((_, i) => i).sort((a, b) => compare(refs[a].id, refs[b].id) || compare(refs[a].className, refs[b].className));
  const groups = new Map<string, number[]>();
  for (const i of order) {
    const key = split.by === 'identity' ? (refs[i].identity ?? refs[i].className) : refs[i].className;
    const members = groups.get(key);
    if (members) members.push(i);
    else groups.set(key, [i]);
  }
  const keys = [...groups.keys()].sort(compare);
  const out: number[][] = [[], [], []];

  if (split.by === 'stratified') {
    for (const key of keys) {
      const members = new Rng(mixSeed(seed, key)).shuffle([...(groups.get(key) as number[])]);
      const counts = allocate(members.length, fractions);
      let at = 0;
      for (let s = 0; s < 3; s++) {
        out[s].push(...members.slice(at, at + counts[s]));
        at += counts[s];
      }
    }
  } else {
    const named = namedIdentities(split.heldOut, groups);
    const rest = fractions.map((f, s) => (named.splits.has(s) ? 0 : f));
    const restSum = rest[0] + rest[1] + rest[2];
    if (named.splits.size > 0 && !(restSum > 0)) {
      throw new Error('data.split: with the held-out identities named, the train fraction must be > 0 for the others to train on');
    }
    for (const [key, s] of named.of) out[s].push(...(groups.get(key) as number[]));
    const shuffled = new Rng(seed).shuffle(keys.filter((k) => !named.of.has(k)));
    const assignment = assignIdentities(
      shuffled.map((k) => (groups.get(k) as number[]).length),
      rest.map((f) => f / restSum),
    );
    shuffled.forEach((k, j) => out[assignment[j]].push(...(groups.get(k) as number[])));
  }
  for (const list of out) list.sort((a, b) => a - b);
  return { train: out[0], val: out[1], test: out[2] };
}

/** The identities `heldOut` names, each with its split (1 val, 2 test); a name the data lacks is an error that lists what it has. */
function namedIdentities(heldOut: SplitFractions['heldOut'], groups: Map<string, number[]>): { of: Map<string, number>; splits: Set<number> } {
  const of = new Map<string, number>();
  const splits = new Set<number>();
  for (const [name, s] of [['val', 1], ['test', 2]] as const) {
    const list = heldOut?.[name];
    if (list === undefined) continue;
    splits.add(s);
    for (const identity of list) {
      if (!groups.has(identity)) {
        const known = [...groups.keys()].sort(compare);
        const shown = known.length > 12 ? `${known.slice(0, 12).join(', ')}, ...` : known.join(', ');
        throw new Error(`data.split.heldOut.${name} names "${identity}", which is not an identity of the data (${known.length}: ${shown})`);
      }
      of.set(identity, s);
    }
  }
  return { of, splits };
}

/** Counts per split summing to n: floors plus largest remainders, then one each where possible. */
function allocate(n: number, fractions: number[]): number[] {
  const exact = fractions.map((f) => f * n);
  const counts = exact.map(Math.floor);
  const byRemainder = [0, 1, 2].sort((a, b) => exact[b] - counts[b] - (exact[a] - counts[a]) || a - b);
  for (let left = n - counts[0] - counts[1] - counts[2], k = 0; left > 0; left--, k++) counts[byRemainder[k % 3]]++;
  ensureOneEach(counts, fractions, n);
  return counts;
}

/** Moves single items from the largest split to any non-zero split left empty, when n allows. */
function ensureOneEach(counts: number[], fractions: number[], n: number): void {
  const needed = fractions.filter((f) => f > 0).length;
  if (n < needed) return;
  for (let s = 0; s < 3; s++) {
    if (fractions[s] > 0 && counts[s] === 0) {
      const donor = [0, 1, 2].reduce((best, t) => (counts[t] > counts[best] ? t : best), 0);
      counts[donor]--;
      counts[s]++;
    }
  }
}

/**
 * Split index for each identity, in the shuffled order: an identity goes where the middle
 * of its run of samples falls on the cumulative train | val | test line.
 */
function assignIdentities(sizes: number[], fractions: number[]): number[] {
  const total = sizes.reduce((a, b) => a + b, 0);
  const cutTrain = fractions[0] * total;
  const cutVal = (fractions[0] + fractions[1]) * total;
  let start = 0;
  const assignment = sizes.map((size): number => {
    const middle = start + size / 2;
    start += size;
    return middle < cutTrain ? 0 : middle < cutVal ? 1 : 2;
  });
  // Guarantee one identity per non-zero split, taking it from the end of the richest split.
  const needed = fractions.filter((f) => f > 0).length;
  if (sizes.length >= needed) {
    for (let s = 0; s < 3; s++) {
      if (fractions[s] === 0 || assignment.includes(s)) continue;
      const counts = [0, 1, 2].map((t) => assignment.filter((a) => a === t).length);
      const donor = [0, 1, 2].reduce((best, t) => (counts[t] > counts[best] ? t : best), 0);
      assignment[assignment.lastIndexOf(donor)] = s;
    }
  }
  return assignment;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A per-class seed: FNV-1a of the class name mixed into the run's seed. */
function mixSeed(seed: number, key: string): number {
  let h = 0x811c9dc5 ^ (seed >>> 0);
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
