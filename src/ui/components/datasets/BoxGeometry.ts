import type { Box } from '../../../core/data/sampleSource.ts';

/**
 * Geometry of the box editor, in normalized image coordinates ([0, 1] on both axes,
 * boxes as [x1, y1, x2, y2] like seed 001's labels). Pure, so the drag arithmetic is
 * tested without a pointer.
 */

export interface Point {
  x: number;
  y: number;
}

/** The eight resize handles, named by compass direction, plus the body of the box. */
export type BoxHandle = 'nw' | 'n' | 'ne' | 'e' | 'se' | 's' | 'sw' | 'w' | 'move';

export const resizeHandles: readonly Exclude<BoxHandle, 'move'>[] = ['nw', 'n', 'ne', 'e', 'se', 's', 'sw', 'w'];

/** The smallest box the editor keeps: about one pixel of a 100 px image, so a click is not a box. */
export const MIN_BOX_SIZE = 0.01;

export function clamp01(v: number): number {
  return Math.min(1, Math.max(0, v));
}

/** The box spanned by two corners in any order, clamped to the image. */
export function boxFromCorners(a: Point, b: Point): Box {
  const xa = clamp01(a.x);
  const xb = clamp01(b.x);
  const ya = clamp01(a.y);
  const yb = clamp01(b.y);
  return [Math.min(xa, xb), Math.min(ya, yb), Math.max(xa, xb), Math.max(ya, yb)];
}

/** Sorts the corners and clamps to the image; what every edit passes through before it is saved. */
export function normalizeBox(box: Box): Box {
  return boxFromCorners({ x: box[0], y: box[1] }, { x: box[2], y: box[3] });
}

export function isUsableBox(box: Box, minSize = MIN_BOX_SIZE): boolean {
  return box[2] - box[0] >= minSize && box[3] - box[1] >= minSize;
}

/** Moves the whole box by (dx, dy), stopping at the image edges without changing its size. */
export function translateBox(box: Box, dx: number, dy: number): Box {
  const [x1, y1, x2, y2] = normalizeBox(box);
  const sx = Math.min(Math.max(dx, -x1), 1 - x2);
  const sy = Math.min(Math.max(dy, -y1), 1 - y2);
  return [x1 + sx, y1 + sy, x2 + sx, y2 + sy];
}

/**
 * The box after dragging `handle` by (dx, dy) from where the drag started (`start` is
 * the box at pointer-down, so rounding never accumulates). Dragging an edge past the
 * opposite one flips the box, as drawing programs do; the result is normalized and
 * never thinner than `minSize` (the dragged edge stops short).
 */
export function dragHandle(start: Box, handle: BoxHandle, dx: number, dy: number, minSize = MIN_BOX_SIZE): Box {
  if (handle === 'move') return translateBox(start, dx, dy);
  let [x1, y1, x2, y2] = start;
  if (handle.includes('w')) x1 += dx;
  if (handle.includes('e')) x2 += dx;
  if (handle.includes('n')) y1 += dy;
  if (handle.includes('s')) y2 += dy;
  const [nx1, nx2] = keepApart(clamp01(x1), clamp01(x2), handle.includes('w') ? 'first' : 'second', minSize);
  const [ny1, ny2] = keepApart(clamp01(y1), clamp01(y2), handle.includes('n') ? 'first' : 'second', minSize);
  return normalizeBox([nx1, ny1, nx2, ny2]);
}

/** Pushes the moved end of an interval away from the fixed end until they are `min` apart, inside [0, 1]. */
function keepApart(a: number, b: number, moved: 'first' | 'second', min: number): [number, number] {
  if (Math.abs(b - a) >= min) return [a, b];
  if (moved === 'first') {
    const target = a <= b ? b - min : b + min;
    return [target < 0 || target > 1 ? (a <= b ? b + min : b - min) : target, b];
  }
  const target = b >= a ? a + min : a - min;
  return [a, target < 0 || target > 1 ? (b >= a ? a - min : a + min) : target];
}

/** The point of a pointer event inside an element showing the image, in normalized coordinates (clamped). */
export function toNormalized(clientX: number, clientY: number, rect: { left: number; top: number; width: number; height: number }): Point {
  return { x: clamp01((clientX - rect.left) / rect.width), y: clamp01((clientY - rect.top) / rect.height) };
}

/** Arrow-key nudges: one image pixel, ten with Shift. */
export function nudgeStep(imageSize: number, large: boolean): number {
  return (large ? 10 : 1) / Math.max(1, imageSize);
}

/** Rounds to 4 decimals for storage: finer than a pixel of any image the studio trains on, and stable in JSON. */
export function roundBox(box: Box): Box {
  return box.map((v) => Math.round(v * 1e4) / 1e4) as Box;
}

/** The size an image of width × height is shown at inside maxWidth × maxHeight, aspect kept (may enlarge). */
export function fitSize(width: number, height: number, maxWidth: number, maxHeight: number): { width: number; height: number } {
  const scale = Math.min(maxWidth / Math.max(1, width), maxHeight / Math.max(1, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}
