import { describe, expect, it } from 'vitest';
import { evaluateClassification, evaluateVerification } from './evaluatePredictions.ts';
import { evaluateReference as ref } from './fixtures/evaluateReference.ts';
import { FEW_IDENTITIES, SMALL_SAMPLE, sampleSizeWarnings } from './sampleSizeWarnings.ts';

function perfect(n: number, classes: number) {
  const labels = Array.from({ length: n }, (_, i) => i % classes);
  const probs = labels.map((l) => Array.from({ length: classes }, (_, c) => (c === l ? 0.9 : 0.1 / (classes - 1))));
  return evaluateClassification(probs, labels, Array.from({ length: classes }, (_, c) => `c${c}`));
}

describe('sampleSizeWarnings', () => {
  it('warns below the documented size with top-1’s interval, and not at it', () => {
    expect(SMALL_SAMPLE).toBe(100);
    // The reference split: 40 images, 18 right; Wilson 30.7 %–60.2 % (scipy).
    const small = sampleSizeWarnings(evaluateClassification(ref.probs, ref.labels, ['a', 'b', 'c', 'd']));
    expect(small[0]).toMatch(/^Small sample: only 40 images were evaluated \(fewer than 100\)\. Top-1's 95 % interval runs from 30\.7 % to 60\.2 %/);
    expect(sampleSizeWarnings(perfect(100, 3))).toEqual([]);
    expect(sampleSizeWarnings(perfect(99, 3))[0]).toMatch(/only 99 images/);
  });

  it('names classes too thin to score', () => {
    const w = sampleSizeWarnings(perfect(120, 20));
    expect(w).toEqual(['20 of 20 classes have fewer than 10 images here: their per-class scores move by 10 points or more per image.']);
  });

  it('warns on few pairs and on pairs from few people', () => {
    const pairs = ref.pairs.map(([a, b, same]) => ({ a, b, same: same as 0 | 1 }));
    const embeddings = { data: Float32Array.from(ref.embeddings.flat()), dim: ref.embeddings[0].length };
    const imported = sampleSizeWarnings(evaluateVerification(embeddings, ref.identities, 1, pairs));
    expect(imported).toHaveLength(1);
    expect(imported[0]).toMatch(/^Small sample: 6 genuine and 6 impostor pairs .* steps of 16\.7 % and 16\.7 %/);
    const generated = sampleSizeWarnings(evaluateVerification(embeddings, ref.identities, 1));
    expect(generated[1]).toMatch(new RegExp(`only 4 people \\(fewer than ${FEW_IDENTITIES}\\)`));
  });
});
