/**
 * Samples per second over the timed epochs, `durations` being every epoch's seconds with the
 * first a warm-up (shader compilation, allocation) left out; each epoch trains
 * `samplesPerEpoch` samples.
 */
export function samplesPerSecAfterWarmUp(durations: readonly number[], samplesPerEpoch: number): number {
  const timed = durations.slice(1);
  if (timed.length === 0) throw new Error('no epoch was timed after the warm-up: a bench needs at least 2 epochs');
  return (timed.length * samplesPerEpoch) / timed.reduce((a, b) => a + b, 0);
}
