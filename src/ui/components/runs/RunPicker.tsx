import { useRunsStore } from '../../../store/runsStore.ts';

/** Which run the Train page shows: the one just started by default, none for a new recipe not yet trained, any earlier one on request. */
export function RunPicker() {
  const runs = useRunsStore((s) => s.runs);
  const focusRunId = useRunsStore((s) => s.focusRunId);
  if (runs.length === 0) return null;
  return (
    <label className="run-picker">
      Showing run
      <select data-testid="train.focusRun" value={focusRunId ?? ''} onChange={(e) => useRunsStore.getState().focus(e.target.value || undefined)}>
        <option value="">— none: this draft has not trained yet —</option>
        {runs.map((r) => (
          <option key={r.id} value={r.id}>
            {r.name} · {r.status}
          </option>
        ))}
      </select>
    </label>
  );
}
