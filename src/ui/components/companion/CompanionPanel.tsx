import { useMemo, useState } from 'react';
import { expandSweep } from '../../../core/spec/expandSweep.ts';
import type { RunSpecInput } from '../../../core/spec/runSpec.ts';
import { useCompanionStore } from '../../../store/companionStore.ts';
import { useSessionStore } from '../../../store/sessionStore.ts';
import { COMMON_SWEEP_PATHS, sweepFromRows, type SweepRow } from '../train/sweepDraft.ts';

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));
const emptyRow = (): SweepRow => ({ path: '', values: '', min: '', max: '', log: false });

/** Where a run trains: this browser, or a companion (connection, health, upload progress, sweeps). */
export function CompanionPanel({ spec, datasetId, canStart }: { spec: RunSpecInput; datasetId?: string; canStart: boolean }) {
  const c = useCompanionStore();
  const [url, setUrl] = useState(c.url);
  const [token, setToken] = useState(c.token);
  const [kind, setKind] = useState<'grid' | 'random'>('grid');
  const [rows, setRows] = useState<SweepRow[]>([{ ...emptyRow(), path: 'optimizer.lr', values: '0.01, 0.001' }]);
  const [trials, setTrials] = useState(8);
  const [busy, setBusy] = useState(false);

  const draft = useMemo(() => sweepFromRows(kind, rows, trials, 0), [kind, rows, trials]);
  const expanded = useMemo(() => ('sweep' in draft ? expandSweep(spec, draft.sweep) : undefined), [draft, spec]);
  const sweepProblem = 'problem' in draft ? draft.problem : expanded && !expanded.ok ? `${expanded.problems[0].path}: ${expanded.problems[0].message}` : undefined;
  const count = expanded?.ok ? expanded.configs.length : 0;

  const connect = async () => {
    c.setConnection(url, token);
    await useCompanionStore.getState().check();
  };
  const startSweep = async () => {
    if (!('sweep' in draft)) return;
    setBusy(true);
    try {
      await useCompanionStore.getState().startSweep(spec, datasetId, draft.sweep);
    } catch (e) {
      useSessionStore.getState().notify(`Could not start the sweep: ${errorText(e)}`, 'error');
    } finally {
      setBusy(false);
    }
  };
  const setRow = (i: number, patch: Partial<SweepRow>) => setRows((rs) => rs.map((r, k) => (k === i ? { ...r, ...patch } : r)));

  return (
    <section className="panel companion-panel" aria-label="Where to train">
      <span role="radiogroup" aria-label="Train on" className="segmented">
        <label>
          <input type="radio" name="train-target" data-testid="train.target.browser" checked={c.target === 'browser'} onChange={() => c.setTarget('browser')} /> This browser
        </label>
        <label>
          <input type="radio" name="train-target" data-testid="train.target.companion" checked={c.target === 'companion'} onChange={() => c.setTarget('companion')} /> Companion
        </label>
      </span>
      {c.target === 'companion' && (
        <>
          <div className="companion-connection">
            <label>
              Companion URL
              <input data-testid="companion.url" value={url} onChange={(e) => setUrl(e.target.value)} placeholder="http://127.0.0.1:8787" />
            </label>
            <label>
              Access token
              <input data-testid="companion.token" type="password" value={token} onChange={(e) => setToken(e.target.value)} placeholder="printed by npm run companion" />
            </label>
            <button type="button" className="secondary" data-testid="companion.check" disabled={c.checking} onClick={() => void connect()}>
              {c.checking ? 'Checking…' : 'Connect'}
            </button>
          </div>
          <p className="muted" data-testid="companion.health" data-ok={c.health?.ok ? 'true' : 'false'} role="status">
            {c.health
              ? `Connected: trains on ${c.health.backend} (${c.health.adapter}); ${c.health.queue.queued} queued, ${c.health.queue.active} running, ${c.health.queue.workers} worker${c.health.queue.workers === 1 ? '' : 's'}${c.live === false ? ' · live stream reconnecting…' : ''}`
              : c.error
                ? `Not connected: ${c.error}`
                : 'Start one with npm run companion, then paste its URL and token.'}
          </p>
          {c.upload && (
            <p className="muted" data-testid="companion.upload">
              Uploading {c.upload.dataset}: {c.upload.sent} of {c.upload.toSend} images ({c.upload.alreadyThere} of {c.upload.total} already on the companion)
            </p>
          )}
          <details className="sweep-builder" data-testid="sweep.builder">
            <summary>Sweep: one run per configuration, spread over the companion's workers</summary>
            <div className="sweep-kind">
              <label>
                Kind
                <select data-testid="sweep.kind" value={kind} onChange={(e) => setKind(e.target.value as 'grid' | 'random')}>
                  <option value="grid">grid (every combination)</option>
                  <option value="random">random (draw configurations)</option>
                </select>
              </label>
              {kind === 'random' && (
                <label>
                  Trials
                  <input type="number" min={1} max={256} data-testid="sweep.trials" value={trials} onChange={(e) => setTrials(Number(e.target.value))} />
                </label>
              )}
            </div>
            <datalist id="sweep-paths">
              {COMMON_SWEEP_PATHS.map((p) => (
                <option key={p} value={p} />
              ))}
            </datalist>
            {rows.map((r, i) => (
              <div className="sweep-row" key={i}>
                <input aria-label="Spec path" list="sweep-paths" data-testid={`sweep.path.${i}`} value={r.path} onChange={(e) => setRow(i, { path: e.target.value })} />
                <input aria-label="Values" data-testid={`sweep.values.${i}`} value={r.values} placeholder="0.1, 0.01" onChange={(e) => setRow(i, { values: e.target.value })} />
                {kind === 'random' && (
                  <>
                    <input aria-label="Min" value={r.min} placeholder="min" onChange={(e) => setRow(i, { min: e.target.value })} />
                    <input aria-label="Max" value={r.max} placeholder="max" onChange={(e) => setRow(i, { max: e.target.value })} />
                    <label>
                      <input type="checkbox" checked={r.log} onChange={(e) => setRow(i, { log: e.target.checked })} /> log
                    </label>
                  </>
                )}
                <button type="button" className="link" aria-label="Remove this parameter" onClick={() => setRows((rs) => rs.filter((_, k) => k !== i))}>
                  ×
                </button>
              </div>
            ))}
            <div className="button-row">
              <button type="button" className="secondary" onClick={() => setRows((rs) => [...rs, emptyRow()])}>
                Add parameter
              </button>
              <button type="button" data-testid="sweep.start" disabled={!canStart || busy || sweepProblem !== undefined || !c.health} onClick={() => void startSweep()}>
                {busy ? 'Sending…' : `Start sweep of ${count} run${count === 1 ? '' : 's'}`}
              </button>
              {sweepProblem && <span className="muted">{sweepProblem}</span>}
              {!c.health && <span className="muted">Connect first.</span>}
            </div>
          </details>
        </>
      )}
    </section>
  );
}
