import { useMemo } from 'react';
import { chanceVerdict } from '../../../core/evaluate/chanceVerdict.ts';
import type { EvaluationReport } from '../../../core/evaluate/evaluationReport.ts';
import { sampleSizeWarnings } from '../../../core/evaluate/sampleSizeWarnings.ts';

/**
 * Whether the model learned anything measurable on the evaluated split, in plain words,
 * with the measured reasons, what to try when it did not, and the small-sample warnings.
 * Self-contained (it needs only a report), so the Train page can show it at a run's end.
 */
export function ChanceVerdict({ report, testId = 'evaluate.verdict' }: { report: EvaluationReport; testId?: string }) {
  const verdict = useMemo(() => chanceVerdict(report.result, report.meta.classNames), [report]);
  const warnings = useMemo(() => sampleSizeWarnings(report.result), [report]);
  return (
    <section
      className={`panel eval-verdict ${verdict.learned ? 'learned' : 'chance'}`}
      aria-label="Did the model learn?"
      data-testid={testId}
      data-learned={verdict.learned}
      role={verdict.learned ? undefined : 'alert'}
    >
      <h3>{verdict.headline}</h3>
      <ul data-testid={`${testId}.reasons`}>
        {verdict.reasons.map((r) => (
          <li key={r}>{r}</li>
        ))}
      </ul>
      {verdict.suggestions.length > 0 && (
        <>
          <p>What to try:</p>
          <ul data-testid={`${testId}.suggestions`}>
            {verdict.suggestions.map((s) => (
              <li key={s}>{s}</li>
            ))}
          </ul>
        </>
      )}
      {warnings.length > 0 && (
        <ul className="eval-warnings" data-testid={`${testId}.warnings`}>
          {warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      )}
    </section>
  );
}
