import type { Pair } from '../train/verificationPairs.ts';

export interface PairSample {
  id: string;
  identity: string;
  fileName: string;
}

/** `Name_0001.jpg` → 1: LFW numbers each person's images in the file name. */
function lfwNumber(fileName: string): number | undefined {
  const base = fileName.slice(fileName.lastIndexOf('/') + 1);
  const m = /_(\d{4,})(?:\.[^.]*)?$/.exec(base);
  return m ? Number(m[1]) : undefined;
}

/**
 * Reads an LFW-style pairs file against the evaluated samples. After an optional header
 * ("10 300" or "300"), each line is a genuine pair `name i j` or an impostor pair
 * `name1 i name2 j`, images numbered from 1. When a person's files carry LFW numbers
 * (`Name_0001.jpg`), image i is the file numbered i, so a gap in the numbers is a missing
 * image rather than a silent shift to the next file; otherwise it is the person's i-th
 * file in file-name order. Lines that point at people or images the samples lack are
 * listed in `problems` with their line numbers; the rest are used. Pairs are positions
 * into `samples`.
 */
export function parseLfwPairs(text: string, samples: PairSample[]): { pairs: Pair[]; problems: string[] } {
  const byIdentity = new Map<string, number[]>();
  samples.forEach((s, i) => {
    const list = byIdentity.get(s.identity) ?? [];
    list.push(i);
    byIdentity.set(s.identity, list);
  });
  for (const list of byIdentity.values()) list.sort((a, b) => (samples[a].fileName < samples[b].fileName ? -1 : samples[a].fileName > samples[b].fileName ? 1 : 0));

  const image = (name: string, n: number): number | string => {
    const members = byIdentity.get(name);
    if (!members) return `no person "${name}" among the ${byIdentity.size} identities evaluated`;
    if (n < 1) return `image numbers start at 1, got ${n} for "${name}"`;
    if (members.some((i) => lfwNumber(samples[i].fileName) !== undefined)) {
      const numbered = members.find((i) => lfwNumber(samples[i].fileName) === n);
      return numbered ?? `"${name}" has no file numbered ${String(n).padStart(4, '0')} among their ${members.length} images`;
    }
    if (n <= members.length) return members[n - 1];
    return `"${name}" has ${members.length} images, so there is no image ${n}`;
  };

  const pairs: Pair[] = [];
  const problems: string[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '') return;
    const parts = line.split(/\s+/);
    const at = `line ${index + 1}`;
    // A header is one or two plain integers, and only on the first non-empty line.
    if (pairs.length === 0 && problems.length === 0 && parts.length <= 2 && parts.every((p) => /^\d+$/.test(p))) return;
    let a: number | string;
    let b: number | string;
    let same: 0 | 1;
    if (parts.length === 3 && /^\d+$/.test(parts[1]) && /^\d+$/.test(parts[2])) {
      a = image(parts[0], Number(parts[1]));
      b = image(parts[0], Number(parts[2]));
      same = 1;
    } else if (parts.length === 4 && /^\d+$/.test(parts[1]) && /^\d+$/.test(parts[3])) {
      a = image(parts[0], Number(parts[1]));
      b = image(parts[2], Number(parts[3]));
      same = 0;
    } else {
      problems.push(`${at}: expected "name i j" or "name1 i name2 j", got "${line.slice(0, 80)}"`);
      return;
    }
    if (typeof a === 'string' || typeof b === 'string') {
      problems.push(`${at}: ${typeof a === 'string' ? a : b}`);
      return;
    }
    pairs.push({ a, b, same });
  });
  if (pairs.length === 0) {
    const skipped = `${problems.length} line${problems.length === 1 ? '' : 's'} skipped`;
    throw new Error(`the pairs file has no usable pair${problems.length > 0 ? ` (${skipped}; first: ${problems[0]})` : ': it is empty'}`);
  }
  return { pairs, problems };
}
