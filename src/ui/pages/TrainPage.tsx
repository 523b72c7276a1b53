import { useCallback, useEffect, useMemo, useState } from 'react';
import { validateRunSpec, type RunSpecInput } from '../../core/spec/runSpec.ts';
import type { DatasetRecord } from '../../storage/storageRecords.ts';
import { useCompanionStore } from '../../store/companionStore.ts';
import { useDatasetsStore } from '../../store/datasetsStore.ts';
import { inProgressStatuses, useRunsStore } from '../../store/runsStore.ts';
import { useSessionStore } from '../../store/sessionStore.ts';
import { CompanionPanel } from '../components/companion/CompanionPanel.tsx';
import { LrFinderPanel } from '../components/train/LrFinderPanel.tsx';
import { usePresenterStore } from '../../store/presenterStore.ts';
import { RunCharts } from '../components/charts/RunCharts.tsx';
import { RunForm } from '../components/train/RunForm.tsx';
import { SchedulePanel } from '../components/train/SchedulePanel.tsx';
import { SpecJsonEditor } from '../components/train/SpecJsonEditor.tsx';
import { draftForDataset } from '../components/train/draftForDataset.ts';
import { setAt } from '../components/train/specPath.ts';
import { TrainControls } from '../components/train/TrainControls.tsx';
import { RunVerdict } from '../components/evaluate/RunVerdict.tsx';
import { seedPresets, applyPreset } from '../presets/seedPresets.ts';

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** How many images the draft trains on, as far as the page can tell before loading them. */
function sampleCountOf(spec: RunSpecInput, dataset: DatasetRecord | undefined): number | undefined {
  const source = spec.data?.source;
  if (source?.kind === 'synthetic') return (source.classes ?? 3) * (source.perClass ?? 20);
  return dataset?.sampleCount;
}

/** What choosing a dataset reset in the draft, in a sentence; undefined when nothing was. */
function datasetResetNote(dataset: string, runName: string, changed: string[]): string | undefined {
  const turnedOff = changed.filter((c) => c !== 'name');
  const parts = [
    ...(changed.includes('name') ? [`named the run “${runName}”`] : []),
    ...(turnedOff.length > 0
      ? [`turned off ${turnedOff.join(', ')}: they assume a mirrored, turned, cropped or recoloured picture shows the same class, true of many photos but not of digits or text — turn on what these images allow`]
      : []),
  ];
  return parts.length > 0 ? `For “${dataset}” the draft ${parts.join(', and ')}.` : undefined;
}

/** The Train page: the draft run (form or JSON), its schedule, the LR finder, the controls and the live charts. */
export function TrainPage() {
  const draft = useSessionStore((s) => s.draftSpec);
  const draftDatasetId = useSessionStore((s) => s.draftDatasetId);
  const draftPresetId = useSessionStore((s) => s.draftPresetId);
  /** What choosing another dataset reset in the draft, said under the pickers until the next choice. */
  const [resetNote, setResetNote] = useState<string>();
  const datasets = useDatasetsStore((s) => s.datasets);
  const datasetsLoaded = useDatasetsStore((s) => s.loaded);
  const focusRun = useRunsStore((s) => s.runs.find((r) => r.id === s.focusRunId));
  const activeRun = useRunsStore((s) => s.runs.find((r) => r.id === s.activeRunId && inProgressStatuses.has(r.status)));
  const [mode, setMode] = useState<'form' | 'json'>('form');
  const [starting, setStarting] = useState(false);
  /** The engine's refusal of the draft's initial weights (the form's Initial weights field checks them). */
  const [weightsProblem, setWeightsProblem] = useState<string>();
  const target = useCompanionStore((s) => s.target);
  const companionReady = useCompanionStore((s) => s.health?.ok === true);

  useEffect(() => {
    if (!datasetsLoaded) void useDatasetsStore.getState().refresh();
  }, [datasetsLoaded]);

  const source = draft.data?.source;
  const datasetId = source?.kind === 'indexeddb' ? source.datasetId || draftDatasetId : undefined;
  const dataset = datasets.find((d) => d.id === datasetId);
  // Validated as it would be trained: with the chosen dataset filled in.
  const validation = useMemo(
    () => validateRunSpec(dataset ? setAt(draft, 'data.source', { kind: 'indexeddb', datasetId: dataset.id, version: dataset.version }) : draft),
    [draft, dataset],
  );
  // Stable, so the memoized form and panels skip the redraws a training run causes.
  const setDraft = useCallback((spec: RunSpecInput) => useSessionStore.getState().editDraft(spec), []);
  const takeLr = useCallback((lr: number) => setDraft(setAt(useSessionStore.getState().draftSpec, 'optimizer.lr', lr)), [setDraft]);

  const chooseDataset = (id: string) => {
    const chosen = datasets.find((d) => d.id === id);
    const { spec, changed } = draftForDataset(draft, chosen);
    const session = useSessionStore.getState();
    session.setDraft(spec, chosen?.id, session.draftPresetId);
    setResetNote(chosen ? datasetResetNote(chosen.name, spec.name ?? '', changed) : undefined);
  };
  const choosePreset = (id: string) => {
    const preset = seedPresets.find((p) => p.id === id);
    setResetNote(undefined);
    if (preset) applyPreset(preset).catch((e: unknown) => useSessionStore.getState().notify(`Could not use the recipe: ${errorText(e)}`, 'error'));
  };
  const start = async () => {
    setStarting(true);
    try {
      if (target === 'companion') await useCompanionStore.getState().runOnCompanion(draft, dataset?.id);
      else await useRunsStore.getState().startRun(draft, dataset?.id);
    } catch (e) {
      useSessionStore.getState().notify(`Could not start: ${errorText(e)}`, 'error');
    } finally {
      setStarting(false);
    }
  };

  const startBlocked = target === 'companion' && !companionReady
    ? 'Connect to the companion first.'
    : target === 'browser' && activeRun
    ? `Run ${activeRun.name} is ${activeRun.status}.`
    : source?.kind === 'indexeddb' && !dataset
      ? 'Choose a dataset first.'
      : !validation.ok
        ? `Fix ${validation.problems.length} problem${validation.problems.length === 1 ? '' : 's'} first.`
        : weightsProblem && draft.model?.initialWeights
          ? 'The initial weights do not load into this model: choose others, or random.'
          : starting
          ? 'Starting…'
          : undefined;

  return (
    <div className="train-page">
      <section className="panel train-setup" aria-label="Run setup">
        <div className="pickers">
          <label>
            Dataset
            <select data-testid="train.dataset" value={dataset?.id ?? ''} onChange={(e) => chooseDataset(e.target.value)} disabled={source !== undefined && source.kind !== 'indexeddb'}>
              <option value="">{source && source.kind !== 'indexeddb' ? `(the spec's own ${source.kind} source)` : '— choose a dataset —'}</option>
              {datasets.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.name} · {d.sampleCount} images · v{d.version.slice(0, 6)}
                </option>
              ))}
            </select>
          </label>
          <label>
            Recipe
            <select data-testid="train.preset" value={seedPresets.some((p) => p.id === draftPresetId) ? draftPresetId : ''} onChange={(e) => choosePreset(e.target.value)}>
              <option value="">— load a recipe —</option>
              {seedPresets.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.title}
                </option>
              ))}
            </select>
          </label>
          <span role="radiogroup" aria-label="Edit the run as" className="segmented">
            <label>
              <input type="radio" name="spec-mode" checked={mode === 'form'} onChange={() => setMode('form')} /> Form
            </label>
            <label>
              <input type="radio" name="spec-mode" data-testid="train.editJson" checked={mode === 'json'} onChange={() => setMode('json')} /> Edit as JSON
            </label>
          </span>
        </div>
        {resetNote && (
          <p className="muted" role="status" data-testid="train.datasetReset">
            {resetNote}
          </p>
        )}
        {!validation.ok && (
          <div className="problems" role="alert" data-testid="train.problems">
            <strong>
              {validation.problems.length} problem{validation.problems.length === 1 ? '' : 's'} to fix before training:
            </strong>
            <ul>
              {validation.problems.map((p) => (
                <li key={`${p.path}:${p.message}`}>
                  <code>{p.path}</code> {p.message}
                </li>
              ))}
            </ul>
          </div>
        )}
        <CompanionPanel spec={draft} datasetId={dataset?.id} canStart={!(source?.kind === 'indexeddb' && !dataset) && validation.ok} />
        {mode === 'form' ? <RunForm spec={draft} problems={validation.problems} onChange={setDraft} onWeightsProblem={setWeightsProblem} /> : <SpecJsonEditor spec={draft} onChange={setDraft} />}
      </section>

      <div className="train-main">
        <TrainControls run={focusRun} startBlocked={startBlocked} onStart={() => void start()} />
        {/* A check started by itself would hold the engine (one job at a time): a Start or a backend change in those seconds would be refused. */}
        {focusRun && <RunVerdict run={focusRun} autoStart={false} />}
        {focusRun && (
          <div className="button-row">
            <button type="button" className="secondary" data-testid="train.present" title="Full screen for a projector (P)" onClick={() => usePresenterStore.getState().present(focusRun.id)}>
              Present to a room (P)
            </button>
          </div>
        )}
        {focusRun ? <RunCharts runId={focusRun.id} /> : <p className="panel muted">Start a run to see its loss, accuracy and learning rate here as it trains.</p>}
        <div className="train-tools">
          <SchedulePanel spec={validation.ok ? validation.spec : undefined} sampleCount={sampleCountOf(draft, dataset)} runId={focusRun?.id} />
          <LrFinderPanel
            spec={validation.ok ? validation.spec : draft}
            datasetId={dataset?.id}
            disabled={!validation.ok || activeRun !== undefined}
            onUse={takeLr}
          />
        </div>
      </div>
    </div>
  );
}
