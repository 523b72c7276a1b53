import type { Box } from './sampleSource.ts';

export interface ImageLabel {
  className: string;
  bbox?: Box;
}

/**
 * Reads one per-image label file. Two shapes are accepted:
 * - seed 001's own: `{"class": "1" | 1, "bbox": [x1, y1, x2, y2]}` with the box already
 *   normalized to [0, 1];
 * - labelme's: `{"shapes": [{"label": ..., "points": [[x, y], ...]}], "imageWidth", "imageHeight"}`
 *   in pixels, which is what seed 001 annotated with before converting. The first shape
 *   is the label; its points' bounding rectangle, divided by the image size, is the box.
 * `where` names the file in every error, so a bad label among thousands can be found.
 */
export function parseLabelJson(text: string, where: string): ImageLabel {
  const fail = (what: string): never => {
    throw new Error(`${where}: ${what}`);
  };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    fail(`not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail(`must be a JSON object, got ${show(value)}`);
  const obj = value as Record<string, unknown>;
  if ('shapes' in obj) return fromLabelme(obj, fail);

  if (!('class' in obj)) fail('missing "class"');
  const className = classNameOf(obj.class, 'class', fail);
  if (obj.bbox === undefined || obj.bbox === null) return { className };
  const b = obj.bbox;
  const ok = Array.isArray(b) && b.length === 4 && b.every((v) => typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 1);
  if (!ok) fail(`bbox must be 4 numbers in [0, 1], got ${show(b)}`);
  const box = b as Box;
  if (box[0] > box[2] || box[1] > box[3]) fail(`bbox must be [x1, y1, x2, y2] with x1 <= x2 and y1 <= y2, got ${show(b)}`);
  return { className, bbox: [box[0], box[1], box[2], box[3]] };
}

function fromLabelme(obj: Record<string, unknown>, fail: (what: string) => never): ImageLabel {
  const shapes = obj.shapes;
  if (!Array.isArray(shapes) || shapes.length === 0) fail(`shapes must be a non-empty array, got ${show(shapes)}`);
  const shape = (shapes as unknown[])[0];
  if (shape === null || typeof shape !== 'object') fail(`shapes[0] must be an object, got ${show(shape)}`);
  const s = shape as Record<string, unknown>;
  const className = classNameOf(s.label, 'shapes[0].label', fail);
  const width = obj.imageWidth;
  const height = obj.imageHeight;
  if (typeof width !== 'number' || !(width > 0)) fail(`imageWidth must be a number > 0, got ${show(width)}`);
  if (typeof height !== 'number' || !(height > 0)) fail(`imageHeight must be a number > 0, got ${show(height)}`);
  const points = s.points;
  const isPoint = (p: unknown) => Array.isArray(p) && p.length === 2 && p.every((v) => typeof v === 'number' && Number.isFinite(v));
  if (!Array.isArray(points) || points.length < 2 || !points.every(isPoint)) {
    fail(`shapes[0].points must be at least 2 [x, y] pairs, got ${show(points)}`);
  }
  const pts = points as [number, number][];
  const xs = pts.map((p) => p[0]);
  const ys = pts.map((p) => p[1]);
  // Annotators drag a little past the border; clamping keeps such boxes instead of rejecting them.
  const nx = (v: number) => Math.min(1, Math.max(0, v / (width as number)));
  const ny = (v: number) => Math.min(1, Math.max(0, v / (height as number)));
  return { className, bbox: [nx(Math.min(...xs)), ny(Math.min(...ys)), nx(Math.max(...xs)), ny(Math.max(...ys))] };
}

function classNameOf(v: unknown, field: string, fail: (what: string) => never): string {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'string' && v.trim() !== '') return v.trim();
  // Seed 001 wrote the class as a one-element list (`[label['class']]`), so unwrap that too.
  if (Array.isArray(v) && v.length === 1) return classNameOf(v[0], field, fail);
  return fail(`${field} must be a non-empty string or a number, got ${show(v)}`);
}

function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  const text = Array.isArray(v) ? `[${v.map((x) => show(x)).join(', ')}]` : JSON.stringify(v);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
