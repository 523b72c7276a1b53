import type { RunSpec } from '../spec/runSpec.ts';
import type { Checkpoint } from '../train/checkpoint.ts';

/**
 * The 1-based epoch whose weights a checkpoint holds when early stopping restored them,
 * else undefined. A run that early-stops with `restoreBestWeights` writes the best epoch's
 * weights back before saving its `final` checkpoint, whose `epoch` still says where the
 * run ended (Trainer.train); without this the Evaluate page would name the wrong epoch.
 *
 * Read from what the checkpoint stores: a `final` checkpoint short of the spec's epochs
 * is an early stop (a stopped run saves `interrupted`, a completed one reaches the end),
 * and its early-stopping state names the best epoch (0-based).
 */
export function restoredEpoch(spec: Pick<RunSpec, 'training'>, checkpoint: Pick<Checkpoint, 'epoch' | 'earlyStoppingState'>, slot: string): number | undefined {
  const es = spec.training.earlyStopping;
  if (slot !== 'final' || !es?.restoreBestWeights || checkpoint.epoch >= spec.training.epochs) return undefined;
  const state = checkpoint.earlyStoppingState as { early?: { bestEpoch?: unknown } } | undefined;
  const best = state?.early?.bestEpoch;
  if (typeof best !== 'number' || !Number.isInteger(best) || best < 0 || best + 1 >= checkpoint.epoch) return undefined;
  return best + 1;
}
