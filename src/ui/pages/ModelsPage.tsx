import { useRef, useState } from 'react';
import { FACE_EXPRESSION_INPUT } from '../../core/models/faceExpressionNet.ts';
import type { Architecture } from '../../core/spec/runSpec.ts';
import { draftWithWeights } from '../../store/pretrainedStart.ts';
import { useSessionStore } from '../../store/sessionStore.ts';
import { ModelCard, type CardEstimate } from '../components/models/ModelCard.tsx';
import { estimateSpec, modelCatalog, type CostSettings } from '../components/models/ModelCatalog.ts';
import { ModelPresetCard } from '../components/models/ModelPresetCard.tsx';
import { seedPresets } from '../presets/seedPresets.ts';
import '../datasets.css';

const INPUT_SIZES = [32, 48, 64, 96, 112, 128, 160, 224];
const WIDTHS = [0.125, 0.25, 0.5, 0.75, 1];

const keyOf = (architecture: Architecture, s: CostSettings) => `${architecture}|${s.inputSize}|${s.batchSize}|${s.width}|${s.numClasses}`;

/** Starts from the Train page's draft, which a person may have edited into anything: only sound numbers are taken. */
function initialSettings(): CostSettings {
  const { model, training } = useSessionStore.getState().draftSpec ?? {};
  const positive = (v: unknown, fallback: number) => (typeof v === 'number' && v > 0 && Number.isFinite(v) ? v : fallback);
  return { inputSize: positive(model?.inputSize, 32), batchSize: positive(training?.batchSize, 16), width: positive(model?.width, 1), numClasses: 10 };
}

/**
 * The zoo as cards. Costs come from the engine, which builds each model in the worker,
 * one at a time: for each card as it comes into view (or is asked again), and again for
 * those when the settings change — never for cards no one scrolled to. Below, the seed
 * recipes.
 */
export function ModelsPage() {
  const [settings, setSettings] = useState(initialSettings);
  const [estimates, setEstimates] = useState<ReadonlyMap<string, CardEstimate>>(new Map());
  const asked = useRef(new Set<Architecture>());
  // One estimate at a time: each builds a whole model in the worker.
  const queue = useRef<Promise<void>>(Promise.resolve());

  function estimate(architecture: Architecture, s: CostSettings) {
    const key = keyOf(architecture, s);
    asked.current.add(architecture);
    setEstimates((m) => new Map(m).set(key, { state: 'loading' }));
    queue.current = queue.current.then(async () => {
      let result: CardEstimate;
      try {
        result = { state: 'done', estimate: await useSessionStore.getState().engine().estimate(estimateSpec(architecture, s)) };
      } catch (e) {
        result = { state: 'failed', message: e instanceof Error ? e.message : String(e) };
      }
      setEstimates((m) => new Map(m).set(key, result));
    });
  }

  function change(patch: Partial<CostSettings>) {
    const next = { ...settings, ...patch };
    setSettings(next);
    for (const m of modelCatalog) {
      if (asked.current.has(m.architecture) && next.inputSize >= m.minInput && !estimates.has(keyOf(m.architecture, next))) estimate(m.architecture, next);
    }
  }

  function openInTrain(architecture: Architecture) {
    const session = useSessionStore.getState();
    const draft = session.draftSpec;
    session.setDraft(
      {
        ...draft,
        model: { ...draft.model, architecture, width: settings.width, inputSize: settings.inputSize },
        data: { ...draft.data, imageSize: settings.inputSize },
        training: { ...draft.training, batchSize: settings.batchSize },
      },
      session.draftDatasetId,
    );
    session.navigate('train');
  }

  /** A face-api network at the size face-api trained it, with its shipped weights and preprocessing; the form's report says what loaded. */
  function openFaceApiInTrain(architecture: 'faceRecognitionNet' | 'faceExpressionNet') {
    const session = useSessionStore.getState();
    const draft = session.draftSpec;
    const size = architecture === 'faceRecognitionNet' ? 150 : FACE_EXPRESSION_INPUT;
    const { spec } = draftWithWeights(
      {
        ...draft,
        model: { ...draft.model, architecture, width: 1, inputSize: size },
        data: { ...draft.data, imageSize: size },
      },
      { from: 'faceApi' },
    );
    session.setDraft(spec, session.draftDatasetId);
    session.navigate('train');
  }

  const label = `at ${settings.inputSize} px, batch ${settings.batchSize}, width ${settings.width}, ${settings.numClasses} classes`;
  return (
    <div className="md-page">
      <h1>Models</h1>
      <section className="ds-panel md-controls" aria-label="cost settings">
        <label>
          Input size{' '}
          <select aria-label="input size in pixels" data-testid="models.inputSize" value={settings.inputSize} onChange={(e) => change({ inputSize: Number(e.target.value) })}>
            {[...new Set([...INPUT_SIZES, settings.inputSize])].sort((a, b) => a - b).map((n) => (
              <option key={n} value={n}>
                {n} px
              </option>
            ))}
          </select>
        </label>
        <label>
          Batch{' '}
          <input
            type="number"
            min={1}
            max={1024}
            aria-label="batch size"
            data-testid="models.batch"
            value={settings.batchSize}
            onChange={(e) => {
              const n = Math.floor(Number(e.target.value));
              if (n >= 1 && n <= 1024) change({ batchSize: n });
            }}
          />
        </label>
        <label>
          Width{' '}
          <select aria-label="width multiplier" data-testid="models.width" value={settings.width} onChange={(e) => change({ width: Number(e.target.value) })}>
            {[...new Set([...WIDTHS, settings.width])].sort((a, b) => a - b).map((w) => (
              <option key={w} value={w}>
                ×{w}
              </option>
            ))}
          </select>
        </label>
        <label>
          Classes{' '}
          <input
            type="number"
            min={2}
            max={10000}
            aria-label="number of classes"
            value={settings.numClasses}
            onChange={(e) => {
              const n = Math.floor(Number(e.target.value));
              if (n >= 1 && n <= 10000) change({ numClasses: n });
            }}
          />
        </label>
        <span className="ds-muted ds-note">Costs are for a classifier with the reference head, trained with Adam, float32.</span>
      </section>

      <section aria-label="model zoo">
        <div className="md-grid">
          {modelCatalog.map((m) => (
            <ModelCard
              key={m.architecture}
              info={m}
              settingsLabel={label}
              fits={settings.inputSize >= m.minInput}
              estimate={estimates.get(keyOf(m.architecture, settings))}
              onEstimate={() => estimate(m.architecture, settings)}
              onUse={() => openInTrain(m.architecture)}
              {...(m.architecture === 'faceRecognitionNet' || m.architecture === 'faceExpressionNet' ? { onUseShipped: () => openFaceApiInTrain(m.architecture as 'faceRecognitionNet' | 'faceExpressionNet') } : {})}
            />
          ))}
        </div>
      </section>

      <section aria-label="recipes">
        <h2>Recipes</h2>
        <p className="ds-muted ds-note">Each seed workflow as a whole run spec, sized for a browser, on generated demo data (made when first used).</p>
        <div className="md-grid">
          {seedPresets.map((p) => (
            <ModelPresetCard key={p.id} preset={p} />
          ))}
        </div>
      </section>
    </div>
  );
}
