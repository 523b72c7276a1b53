import type { EvaluationMeta } from '../core/evaluate/evaluationReport.ts';

/**
 * Which weights were scored, in words, for the page and the report alike. After early
 * stopping restored an earlier epoch, the checkpoint's own epoch is where the run ended,
 * not the weights': "weights of epoch 1, restored by early stopping; the run ended at
 * epoch 5" says both.
 */
export function checkpointWords(c: EvaluationMeta['checkpoint']): string {
  if (c.restoredEpoch !== undefined) {
    return `checkpoint ${c.slot}: weights of epoch ${c.restoredEpoch}, restored by early stopping; the run ended at epoch ${c.epoch}, step ${c.step}`;
  }
  return `checkpoint ${c.slot} at epoch ${c.epoch}, step ${c.step}`;
}
