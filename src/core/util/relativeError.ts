/** Issue 6's parity measure between an implementation and the one it replaces: max |fast − stock| / max(1, max |stock|). */
export function relativeError(fast: ArrayLike<number>, stock: ArrayLike<number>): number {
  let diff = 0;
  let scale = 1;
  for (let i = 0; i < stock.length; i++) {
    diff = Math.max(diff, Math.abs(fast[i] - stock[i]));
    scale = Math.max(scale, Math.abs(stock[i]));
  }
  return diff / scale;
}
