import { hashString } from '../../../core/util/stableHash.ts';

/**
 * The colour a run has on every chart and in every table, derived from its id alone so
 * the same run looks the same on the Train page, in the Runs overlay and after a reload.
 * Hue comes from the id's hash; saturation and lightness are fixed at values that stay
 * readable on the light theme.
 */
export function runColor(runId: string): string {
  const hue = parseInt(hashString(runId).slice(0, 8), 16) % 360;
  return `hsl(${hue} 70% 40%)`;
}
