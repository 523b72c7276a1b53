import type { MemoryEstimate } from '../../../engine/protocol.ts';
import { formatBytes } from '../../../storage/formatBytes.ts';

/**
 * Above this a run is unlikely to fit a browser tab's share of an integrated or
 * mid-range GPU; browsers do not report free GPU memory, so this is a rule of thumb.
 */
export const TRAINING_BUDGET_BYTES = 2e9;

/** 1234567 → "1.23 M"; counts of parameters and FLOPs. */
export function formatCount(n: number): string {
  const units: [number, string][] = [
    [1e12, 'T'],
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  for (const [scale, unit] of units) if (Math.abs(n) >= scale) return `${(n / scale).toPrecision(3)} ${unit}`;
  return String(n);
}

/** Plain-words warnings for a memory estimate. */
export function memoryWarnings(e: MemoryEstimate): string[] {
  const out: string[] = [];
  if (e.deviceLimitBytes !== undefined && e.totalBytes > e.deviceLimitBytes) {
    out.push(`Needs ${formatBytes(e.totalBytes)} in all, more than the largest buffer this GPU allows (${formatBytes(e.deviceLimitBytes)}): lower the batch or input size.`);
  }
  if (e.totalBytes > TRAINING_BUDGET_BYTES) {
    out.push(`Over ${formatBytes(TRAINING_BUDGET_BYTES)}: more than a browser tab can count on; expect out-of-memory failures on many GPUs.`);
  }
  return out;
}
