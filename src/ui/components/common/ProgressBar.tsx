/** A thin bar with an accessible name and value; the caller says what it measures. */
export function ProgressBar({ fraction, label, testId }: { fraction: number; label: string; testId?: string }) {
  return (
    <div className="progress" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(fraction * 100)} data-testid={testId}>
      <div className="progress-fill" style={{ width: `${(fraction * 100).toFixed(1)}%` }} />
    </div>
  );
}
