import type { RunDirectory } from '../node/runDirectory.ts';
import { UsageError } from './usageError.ts';

/** The checkpoints a command may read, in the order it picks one by itself. */
export const CHECKPOINTS = ['final', 'best', 'last'] as const;

/** The checkpoint asked for (checked), else the run's final, best or last; says so when the run has none. */
export function chooseCheckpoint(run: RunDirectory, requested: string | undefined, purpose: string): string {
  if (requested !== undefined && !(CHECKPOINTS as readonly string[]).includes(requested)) throw new UsageError(`--checkpoint must be final, best or last, got "${requested}"`);
  const name = requested ?? CHECKPOINTS.find((n) => run.hasCheckpoint(n));
  if (!name) throw new Error(`${run.root} has no checkpoint yet, so there is no model to ${purpose}`);
  return name;
}
