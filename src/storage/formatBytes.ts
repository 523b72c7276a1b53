/** Byte counts in decimal units with one decimal ("14.2 MB"), as browsers and OS disk tools show them. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return 'unlimited space';
  const units = ['kB', 'MB', 'GB', 'TB'];
  if (Math.abs(bytes) < 1000) {
    const whole = Math.round(bytes);
    return `${whole} ${whole === 1 ? 'byte' : 'bytes'}`;
  }
  let value = bytes / 1000;
  let unit = 0;
  while (Math.abs(value) >= 999.95 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}
