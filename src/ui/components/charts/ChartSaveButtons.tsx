/** A chart's CSV and PNG downloads, as every chart's header shows them. */
export function ChartSaveButtons({ testId, what, onCsv, onPng, disabled }: { testId: string; what: string; onCsv(): void; onPng(): void; disabled?: boolean }) {
  return (
    <>
      <button type="button" className="link" data-testid={`${testId}.csv`} aria-label={`Save ${what} as CSV`} disabled={disabled} onClick={onCsv}>
        CSV
      </button>
      <button type="button" className="link" data-testid={`${testId}.png`} aria-label={`Save ${what} as PNG`} disabled={disabled} onClick={onPng}>
        PNG
      </button>
    </>
  );
}
