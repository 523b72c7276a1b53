import type { EvaluationReport } from './evaluationReport.ts';

/**
 * Below this many images (or pairs of either kind) a headline is flagged as a small
 * sample. At 100 the 95 % Wilson interval of a 50 % accuracy is ±9.6 points; below it, two
 * models 10 points apart cannot be told apart, and a split of 6–12 images (the demo
 * recipes' once) spans ±30 points or more. docs/evaluate.md says the same.
 */
export const SMALL_SAMPLE = 100;
/** Verification from fewer people than this judges a handful of faces, not a face model (issue 27's target: 10 held-out identities). */
export const FEW_IDENTITIES = 10;

const pct = (v: number): string => `${(v * 100).toFixed(1)} %`;

/** Plain warnings for the headlines a report's sample cannot support; empty when it is large enough. */
export function sampleSizeWarnings(result: EvaluationReport['result']): string[] {
  const warnings: string[] = [];
  switch (result.kind) {
    case 'classification':
    case 'detection': {
      const classification = result.kind === 'classification' ? result : result.classification;
      const n = result.samples;
      if (n < SMALL_SAMPLE) {
        const { interval } = classification.topK[0];
        warnings.push(
          `Small sample: only ${n} images were evaluated (fewer than ${SMALL_SAMPLE}). Top-1's 95 % interval runs from ${pct(interval.low)} to ${pct(interval.high)}; treat every figure here as rough, and add images to the dataset for a firmer one.`,
        );
      }
      const thin = classification.report.perClass.filter((c) => c.support < 10).length;
      if (thin > 0) warnings.push(`${thin} of ${classification.report.perClass.length} classes have fewer than 10 images here: their per-class scores move by 10 points or more per image.`);
      break;
    }
    case 'verification': {
      const genuine = result.pairs.filter((p) => p.same === 1).length;
      const impostor = result.pairs.length - genuine;
      if (Math.min(genuine, impostor) < SMALL_SAMPLE) {
        warnings.push(
          `Small sample: ${genuine} genuine and ${impostor} impostor pairs (fewer than ${SMALL_SAMPLE} of a kind). FAR and FRR move in steps of ${pct(1 / impostor)} and ${pct(1 / genuine)}; treat the figures as rough.`,
        );
      }
      if (result.pairSource === 'generated' && result.identities < FEW_IDENTITIES) {
        warnings.push(
          `The pairs come from only ${result.identities} people (fewer than ${FEW_IDENTITIES}). Pairs of the same few faces are not independent, so even the intervals shown are too narrow: evaluate on more identities.`,
        );
      }
      break;
    }
  }
  return warnings;
}
