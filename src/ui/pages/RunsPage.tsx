import { useCallback, useEffect, useMemo, useState } from 'react';
import type { RunRecord } from '../../storage/storageRecords.ts';
import { runSeries, useRunsStore } from '../../store/runsStore.ts';
import { useEvaluateStore } from '../../store/evaluateStore.ts';
import { usePresenterStore } from '../../store/presenterStore.ts';
import { useSessionStore } from '../../store/sessionStore.ts';
import type { ChartSeries } from '../components/charts/chartLines.ts';
import { MetricChart, type XAxisMode } from '../components/charts/MetricChart.tsx';
import { loggedMetrics, lossLines, metricLine } from '../components/charts/runChartSeries.ts';
import { paramColors } from '../components/charts/paramColors.ts';
import { runColor } from '../components/charts/runColor.ts';
import { RunImportBox } from '../components/runs/RunImportBox.tsx';
import { RunsTable, type RunsTableActions } from '../components/runs/RunsTable.tsx';
import { specDiff } from '../components/runs/specDiff.ts';
import { sweepTable } from '../components/runs/sweepTable.ts';
import { formatMetric } from '../components/common/formatMetric.ts';
import { useConfirm } from '../components/common/useConfirm.tsx';

const fail = (e: unknown) => useSessionStore.getState().notify(e instanceof Error ? e.message : String(e), 'error');

function SpecDiffTable({ runs, colorOf }: { runs: RunRecord[]; colorOf: (run: RunRecord) => string }) {
  const rows = useMemo(() => specDiff(runs.map((r) => r.spec)), [runs]);
  if (rows.length === 0) return <p className="muted">The selected runs have the same spec.</p>;
  return (
    <div className="table-wrap">
      <table className="diff-table" data-testid="runs.diff">
        <thead>
          <tr>
            <th scope="col">Field</th>
            {runs.map((r) => (
              <th key={r.id} scope="col">
                <span className="swatch" style={{ background: colorOf(r) }} aria-hidden="true" /> {r.name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.path}>
              <th scope="row">
                <code>{row.path}</code>
              </th>
              {row.values.map((v, i) => (
                <td key={runs[i].id}>{v || '—'}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The selected runs of a sweep ranked by what they reached, with the values each one tried. */
function SweepResults({ runs, colorOf }: { runs: RunRecord[]; colorOf: (run: RunRecord) => string }) {
  const table = useMemo(() => sweepTable(runs), [runs]);
  if (table.params.length === 0) return null;
  return (
    <>
      <h3>Sweep results{table.rankBy ? `, best ${table.rankBy} first` : ''}</h3>
      <div className="table-wrap">
        <table className="diff-table" data-testid="runs.sweep">
          <thead>
            <tr>
              <th scope="col">Run</th>
              {table.params.map((p) => (
                <th key={p} scope="col">
                  <code>{p}</code>
                </th>
              ))}
              {table.metrics.map((m) => (
                <th key={m} scope="col">
                  {m}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {table.rows.map((row) => (
              <tr key={row.run.id} data-testid="runs.sweep.row" data-status={row.run.status}>
                <th scope="row">
                  <span className="swatch" style={{ background: colorOf(row.run) }} aria-hidden="true" /> {row.run.name}
                </th>
                {row.params.map((v, i) => (
                  <td key={table.params[i]}>{v === undefined ? '—' : String(v)}</td>
                ))}
                {row.metrics.map((v, i) => (
                  <td key={table.metrics[i]}>{v === undefined ? row.run.status : formatMetric(v)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

/**
 * One logged metric of every selected run on one chart, each run in its own colour: the
 * loss (training and validation together) unless the picker names another — validation
 * accuracy, the learning rate, a loss part, any metric an epoch logged. Runs of a sweep can
 * be coloured by the value they gave one of its parameters instead.
 */
function RunsOverlay({ runs, params, byParam, onColorBy, colorOf }: { runs: RunRecord[]; params: string[]; byParam?: string; onColorBy(param: string): void; colorOf: (run: RunRecord) => string }) {
  const version = useRunsStore((s) => runs.map((r) => s.seriesVersion[r.id] ?? -1).join(','));
  const [metric, setMetric] = useState('loss');
  const nameOf = useCallback(
    (r: RunRecord) => (byParam ? `${r.name} (${byParam} ${r.remote?.params?.[byParam] === undefined ? 'unset' : String(r.remote.params[byParam])})` : r.name),
    [byParam],
  );
  useEffect(() => {
    for (const r of runs) void useRunsStore.getState().loadSeries(r.id).catch(fail);
  }, [runs]);
  // eslint-disable-next-line react-hooks/exhaustive-deps -- version stands for the series, mutated in place
  const metrics = useMemo(() => loggedMetrics(runs.map((r) => runSeries(r.id))), [runs, version]);
  const shown = metrics.includes(metric) ? metric : 'loss';
  const lines = useCallback(
    (axis: XAxisMode): ChartSeries[] =>
      shown === 'loss'
        ? runs.flatMap((r) => lossLines(runSeries(r.id), axis, colorOf(r), r.id).map((line) => ({ ...line, label: `${nameOf(r)} ${line.kind === 'val' ? 'val loss' : 'loss'}` })))
        : runs.flatMap((r) => {
            const line = metricLine(runSeries(r.id), shown, axis, colorOf(r), r.id);
            return line ? [{ ...line, label: `${nameOf(r)} ${shown}` }] : [];
          }),
    [runs, shown, colorOf, nameOf],
  );
  return (
    <>
      <label className="overlay-metric">
        Metric{' '}
        <select data-testid="runs.overlayMetric" value={shown} onChange={(e) => setMetric(e.target.value)}>
          {metrics.map((m) => (
            <option key={m} value={m}>
              {m === 'loss' ? 'loss (training and validation)' : m === 'lr' ? 'learning rate' : m}
            </option>
          ))}
        </select>
      </label>
      {params.length > 0 && (
        <label className="overlay-metric">
          Colour by{' '}
          <select data-testid="runs.overlayColorBy" value={byParam ?? ''} onChange={(e) => onColorBy(e.target.value)}>
            <option value="">run</option>
            {params.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </label>
      )}
      <MetricChart
        key={shown}
        testId="runs.overlay"
        title={`${shown === 'loss' ? 'Loss' : shown === 'lr' ? 'Learning rate' : shown} of the selected runs`}
        series={lines}
        version={version}
        axisToggle
        smoothable={shown !== 'lr'}
        fileName={`runs ${shown}`}
        height={280}
      />
    </>
  );
}

/** Every run this browser holds: compare, rename, tag, export, import from another browser, delete. */
export function RunsPage() {
  const runs = useRunsStore((s) => s.runs);
  const loaded = useRunsStore((s) => s.loaded);
  const [selectedIds, setSelectedIds] = useState<ReadonlySet<string>>(new Set());
  const [confirmDialog, confirm] = useConfirm();
  const selected = useMemo(() => runs.filter((r) => selectedIds.has(r.id)), [runs, selectedIds]);
  // One colour per selected run across the overlay, the sweep results and the spec diff: its own, or a sweep parameter's value.
  const [colorBy, setColorBy] = useState('');
  const params = useMemo(() => sweepTable(selected).params, [selected]);
  const byParam = params.includes(colorBy) ? colorBy : undefined;
  const colorOf = useMemo(() => {
    const colors = byParam ? paramColors(selected, byParam) : undefined;
    return (r: RunRecord) => colors?.get(r.id) ?? runColor(r.id);
  }, [selected, byParam]);
  const sweeps = useMemo(() => {
    const byId = new Map<string, string[]>();
    for (const r of runs) if (r.remote?.sweepId) byId.set(r.remote.sweepId, [...(byId.get(r.remote.sweepId) ?? []), r.id]);
    return [...byId];
  }, [runs]);
  const store = useRunsStore.getState();

  const actions: RunsTableActions = {
    open: (run) => {
      store.focus(run.id);
      useSessionStore.getState().navigate('train');
    },
    evaluate: (run) => {
      useEvaluateStore.getState().select(run.id);
      useSessionStore.getState().navigate('evaluate');
    },
    rename: (run, name) => void store.rename(run.id, name).catch(fail),
    setTags: (run, tags) => void store.setTags(run.id, tags).catch(fail),
    remove: (run) =>
      void store
        .deleteRun(run.id, confirm)
        .then((deleted) => {
          if (deleted) setSelectedIds((s) => new Set([...s].filter((id) => id !== run.id)));
        })
        .catch(fail),
    exportRun: (run, format) => void store.exportRun(run.id, format).catch(fail),
    exportBundle: (run, includeDataset) => void store.exportRunBundle(run.id, includeDataset).catch(fail),
  };
  const select = (runId: string, on: boolean) =>
    setSelectedIds((s) => {
      const next = new Set(s);
      if (on) next.add(runId);
      else next.delete(runId);
      return next;
    });

  return (
    <div className="runs-page">
      <section className="panel">
        <h2>Runs</h2>
        <RunImportBox onImported={(run) => setSelectedIds(new Set([run.id]))} />
        {!loaded ? (
          <p className="muted">Loading runs…</p>
        ) : runs.length === 0 ? (
          <p className="muted">No runs yet. Start one on the Train page, or try the shapes demo from Home.</p>
        ) : (
          <>
            <p className="muted">Select runs to overlay their curves and compare their specs.</p>
            {sweeps.length > 0 && (
              <div className="button-row">
                {sweeps.map(([id, ids]) => (
                  <button key={id} type="button" className="secondary" data-testid={`runs.compareSweep.${id}`} onClick={() => setSelectedIds(new Set(ids))}>
                    Compare {id} ({ids.length} runs)
                  </button>
                ))}
              </div>
            )}
            <RunsTable runs={runs} selected={selectedIds} onSelect={select} actions={actions} />
          </>
        )}
      </section>
      {selected.length > 0 && (
        <section className="panel" aria-label="Comparison of the selected runs">
          {selected.length === 1 && (
            <div className="button-row">
              <button type="button" className="secondary" data-testid="runs.present" title="Full screen for a projector (P)" onClick={() => usePresenterStore.getState().present(selected[0].id)}>
                Present {selected[0].name} to a room
              </button>
            </div>
          )}
          <RunsOverlay runs={selected} params={params} {...(byParam ? { byParam } : {})} onColorBy={setColorBy} colorOf={colorOf} />
          <SweepResults runs={selected} colorOf={colorOf} />
          {selected.length > 1 && (
            <>
              <h3>What differs</h3>
              <SpecDiffTable runs={selected} colorOf={colorOf} />
            </>
          )}
        </section>
      )}
      {confirmDialog}
    </div>
  );
}
