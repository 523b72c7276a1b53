/** A share in [0, 1] as a percentage with `digits` decimals ("93.4 %"); "—" where there is no value. */
export function formatPercent(share: number | undefined, digits = 1): string {
  if (share === undefined || !Number.isFinite(share)) return '—';
  return `${(share * 100).toFixed(digits)} %`;
}
