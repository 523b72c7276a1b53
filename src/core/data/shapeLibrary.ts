/**
 * Filled shapes for generated data, each a test on unit coordinates: (u, v) in [-1, 1]², v
 * pointing down. The outlines differ enough that a small CNN separates them in a few epochs
 * even under the ±15° rotation the generators add (so square and diamond stay distinct).
 */
export interface ShapeKind {
  name: string;
  inside(u: number, v: number): boolean;
}

const r2 = (u: number, v: number) => u * u + v * v;

export const shapeLibrary: readonly ShapeKind[] = [
  { name: 'circle', inside: (u, v) => r2(u, v) <= 0.81 },
  { name: 'square', inside: (u, v) => Math.abs(u) <= 0.72 && Math.abs(v) <= 0.72 },
  {
    name: 'triangle',
    inside: (u, v) => v <= 0.75 && v >= -0.9 && Math.abs(u) <= ((v + 0.9) / 1.65) * 0.95,
  },
  {
    name: 'cross',
    inside: (u, v) => Math.max(Math.abs(u), Math.abs(v)) <= 0.85 && (Math.abs(u - v) <= 0.36 || Math.abs(u + v) <= 0.36),
  },
  { name: 'ring', inside: (u, v) => r2(u, v) <= 0.81 && r2(u, v) >= 0.3 },
  { name: 'diamond', inside: (u, v) => Math.abs(u) + Math.abs(v) <= 0.95 },
  {
    name: 'star',
    inside: (u, v) => {
      const r = Math.sqrt(r2(u, v));
      const theta = Math.atan2(u, -v);
      return r <= 0.38 + 0.55 * Math.pow(Math.abs(Math.cos(2.5 * theta)), 4);
    },
  },
  {
    name: 'plus',
    inside: (u, v) => (Math.abs(u) <= 0.26 && Math.abs(v) <= 0.9) || (Math.abs(v) <= 0.26 && Math.abs(u) <= 0.9),
  },
  {
    name: 'hexagon',
    inside: (u, v) => Math.abs(v) <= 0.75 && Math.abs(u) * 0.866 + Math.abs(v) * 0.5 <= 0.75,
  },
  { name: 'crescent', inside: (u, v) => r2(u, v) <= 0.81 && r2(u - 0.42, v + 0.1) >= 0.5 },
  {
    name: 'stripes',
    inside: (u, v) => Math.abs(u) <= 0.8 && Math.abs(v) <= 0.85 && Math.floor((v + 0.85) * (5 / 1.7)) % 2 === 0,
  },
  { name: 'bar', inside: (u, v) => Math.abs(u) <= 0.9 && Math.abs(v) <= 0.3 },
];

/**
 * Class k's shape and name: the library in order, then the same outlines again with a
 * suffix (`circle_2`); the generators give every class its own hue, so those stay separable.
 */
export function shapeForClass(k: number): { shape: ShapeKind; name: string } {
  const shape = shapeLibrary[k % shapeLibrary.length];
  const round = Math.floor(k / shapeLibrary.length);
  return { shape, name: round === 0 ? shape.name : `${shape.name}_${round + 1}` };
}
