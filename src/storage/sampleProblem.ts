import type { Box } from '../core/data/sampleSource.ts';
import type { StagedSample } from './storageRecords.ts';

/** What is wrong with a staged sample, or undefined when it can be stored. */
export function sampleProblem(s: StagedSample): string | undefined {
  if (typeof s.id !== 'string' || s.id === '') return 'its id is empty';
  if (typeof s.hash !== 'string' || !/^[0-9a-f]{64}$/.test(s.hash)) {
    return `its hash ${JSON.stringify(s.hash)} is not a lowercase hex SHA-256 (64 digits)`;
  }
  if (s.className === undefined) return 'it has no class name';
  const label = labelProblem(s);
  if (label) return label;
  if (!Number.isInteger(s.width) || !Number.isInteger(s.height) || s.width <= 0 || s.height <= 0) {
    return `its size ${String(s.width)}x${String(s.height)} is not a positive whole number of pixels`;
  }
  return undefined;
}

/** What is wrong with a sample's class, identity or box (those given), or undefined. */
export function labelProblem(s: { className?: unknown; identity?: unknown; bbox?: unknown }): string | undefined {
  if (s.className !== undefined && (typeof s.className !== 'string' || s.className.trim() === '')) return 'its class name is empty';
  if (s.identity !== undefined && s.identity !== null && typeof s.identity !== 'string') return 'its identity is not a string';
  if (s.bbox !== undefined && s.bbox !== null) return boxProblem(s.bbox);
  return undefined;
}

function boxProblem(box: unknown): string | undefined {
  const shown = JSON.stringify(box);
  if (!Array.isArray(box) || box.length !== 4 || !box.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    return `its box ${shown} is not four numbers [x1, y1, x2, y2]`;
  }
  const [x1, y1, x2, y2] = box as Box;
  if (box.some((v: number) => v < 0 || v > 1)) return `its box ${shown} is not normalized to [0, 1] of the image`;
  if (x1 >= x2 || y1 >= y2) return `its box ${shown} has no area (x1 must be below x2 and y1 below y2)`;
  return undefined;
}
