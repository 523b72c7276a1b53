import { describe, expect, it } from 'vitest';
import { evaluateVerification } from '../evaluate/evaluatePredictions.ts';
import { equalErrorRate, rocAuc } from '../metrics/index.ts';
import { allPairsReference as ref } from './fixtures/allPairsReference.ts';
import { cosineAt, protocolPairs, verificationPairs } from './verificationPairs.ts';

const key = (p: { a: number; b: number }) => `${p.a},${p.b}`;

describe('the verification protocol', () => {
  // Issue 26: pairs were balanced, with impostors drawn with replacement (516 distinct of 540).
  it('scores every genuine and impostor pair of the identities, each once, when they fit under the cap', () => {
    const { pairs, protocol } = protocolPairs(ref.identities);
    expect(protocol).toEqual({ kind: 'all', genuineTotal: ref.genuine, impostorTotal: ref.impostor, genuine: ref.genuine, impostor: ref.impostor });
    expect(pairs).toHaveLength(ref.pairs);
    expect(new Set(pairs.map(key)).size).toBe(ref.pairs);
    for (const p of pairs) {
      expect(p.a).toBeLessThan(p.b);
      expect(p.same).toBe(ref.identities[p.a] === ref.identities[p.b] ? 1 : 0);
    }
  });

  it('gives the AUC and EER scikit-learn gives on all pairs of the same embeddings', () => {
    const data = Float32Array.from(ref.embeddings.flat());
    const dim = ref.embeddings[0].length;
    const pairs = verificationPairs(ref.identities);
    const scores = pairs.map((p) => cosineAt(data, dim, p.a, p.b));
    const same = pairs.map((p) => p.same);
    // Reference: test/reference/verification_all_pairs.py (sklearn roc_auc_score, roc_curve).
    expect(rocAuc(scores, same)).toBeCloseTo(ref.auc, 12);
    expect(equalErrorRate(scores, same).eer).toBeCloseTo(ref.eer, 12);
    const report = evaluateVerification({ data, dim }, ref.identities, 1);
    expect(report.auc).toBeCloseTo(ref.auc, 12);
    expect(report.eer.eer).toBeCloseTo(ref.eer, 12);
    expect(report.pairProtocol?.kind).toBe('all');
  });

  it('puts both kinds in each of the ten contiguous folds, in an order fixed by the protocol (the same for training and evaluation)', () => {
    const a = verificationPairs(ref.identities);
    expect(verificationPairs(ref.identities)).toEqual(a);
    const fold = Math.floor(a.length / 10);
    for (let f = 0; f < 10; f++) {
      const kinds = new Set(a.slice(f * fold, (f + 1) * fold).map((p) => p.same));
      expect(kinds.size, `fold ${f}`).toBe(2);
    }
  });

  it('beyond the cap keeps every genuine pair and samples impostors without replacement, and says so', () => {
    const { pairs, protocol } = protocolPairs(ref.identities, 100);
    expect(protocol).toEqual({ kind: 'sampled', genuineTotal: ref.genuine, impostorTotal: ref.impostor, genuine: ref.genuine, impostor: 100 - ref.genuine });
    expect(new Set(pairs.map(key)).size).toBe(100);
    expect(pairs.filter((p) => p.same === 1)).toHaveLength(ref.genuine);
    for (const p of pairs) expect(p.same).toBe(ref.identities[p.a] === ref.identities[p.b] ? 1 : 0);
    // A cap below twice the genuine pairs samples those too, half and half.
    const tight = protocolPairs(ref.identities, 20).protocol;
    expect([tight.kind, tight.genuine, tight.impostor]).toEqual(['sampled', 10, 10]);
  });

  it('refuses identities that cannot form both kinds of pair', () => {
    expect(() => protocolPairs([0, 1, 2])).toThrow(/one identity with 2\+ images; got 3 identities, 0 genuine pairs/);
    expect(() => protocolPairs([4, 4, 4])).toThrow(/at least 2 identities/);
  });
});
