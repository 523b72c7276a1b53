/** Samples per second over two runs of equal size: total samples over total time. */
function pooled(a: number, b: number): number {
  return 2 / (1 / a + 1 / b);
}

/**
 * Times contenders in the order A, B, …, …, B, A and pools each one's two runs, so that none
 * profits from its place: on a shared machine (and on SwiftShader, whose "GPU" is the same
 * CPU) the run right after a switch was measured 10–15% slower whichever side it was, which
 * one-after-the-other timing would book against one side. Returns each contender's pooled
 * samples per second, in the order given.
 */
export async function timeAlternately(...contenders: (() => Promise<number>)[]): Promise<number[]> {
  const there: number[] = [];
  for (const run of contenders) there.push(await run());
  const back: number[] = [];
  for (const run of [...contenders].reverse()) back.unshift(await run());
  return there.map((rate, i) => pooled(rate, back[i]!));
}
