/** Throughputs of two contenders timed in the order A, B, B, A. */
export interface AlternateTimings {
  first: number;
  second: number;
}

/** Samples per second over two runs of equal size: total samples over total time. */
function pooled(a: number, b: number): number {
  return 2 / (1 / a + 1 / b);
}

/**
 * Times two contenders in the order A, B, B, A and pools each one's two runs, so that
 * neither profits from going first or last: on a shared machine (and on SwiftShader, whose
 * "GPU" is the same CPU) the run right after a switch was measured 10–15% slower whichever
 * side it was, which one-after-the-other timing would book against one side.
 */
export async function timeAlternately(first: () => Promise<number>, second: () => Promise<number>): Promise<AlternateTimings> {
  const a1 = await first();
  const b1 = await second();
  const b2 = await second();
  const a2 = await first();
  return { first: pooled(a1, a2), second: pooled(b1, b2) };
}
