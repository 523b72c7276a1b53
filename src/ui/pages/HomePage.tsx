import { useState } from 'react';
import { useRunsStore } from '../../store/runsStore.ts';
import { useSessionStore } from '../../store/sessionStore.ts';
import { BACKEND_NAMES, COMPUTE_CHOICES, type ComputeChoice } from '../../engine/protocol.ts';
import { backendLabel } from '../components/common/backendLabel.ts';
import { ImageNetStart } from '../components/models/ImageNetStart.tsx';
import { recipeSummaries } from '../presets/recipeSummaries.ts';
import { seedPresets, applyPreset, type SeedPreset } from '../presets/seedPresets.ts';

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

const computeOptionLabel = (choice: ComputeChoice) => (choice === 'auto' ? 'the fastest found' : BACKEND_NAMES[choice]);

/** First screen: the compute found, the one-click demo, the recipes, and the way to bring your own images. */
export function HomePage() {
  const backend = useSessionStore((s) => s.backend);
  const adapter = useSessionStore((s) => s.adapter);
  const engineError = useSessionStore((s) => s.engineError);
  const passedOver = useSessionStore((s) => s.passedOver);
  const compute = useSessionStore((s) => s.compute);
  const training = useRunsStore((s) => s.activeRunId !== undefined);
  const navigate = useSessionStore((s) => s.navigate);
  const [busy, setBusy] = useState<string>();
  const shapes = seedPresets.find((p) => p.id === 'shapes');
  const recipes = seedPresets.filter((p) => p.id !== 'shapes');

  const run = async (what: string, action: () => Promise<void>) => {
    setBusy(what);
    try {
      await action();
    } catch (e) {
      useSessionStore.getState().notify(`${what} failed: ${errorText(e)}`, 'error');
    } finally {
      setBusy(undefined);
    }
  };
  // The demo is one click: make (or reuse) the shapes dataset, load its recipe, train.
  const demo = (preset: SeedPreset) =>
    run('The shapes demo', async () => {
      await applyPreset(preset);
      const { draftSpec, draftDatasetId } = useSessionStore.getState();
      await useRunsStore.getState().startRun(draftSpec, draftDatasetId);
    });

  return (
    <div className="home">
      <section className="panel hero">
        <h2>Train image models on your own GPU, in this tab</h2>
        <p className="compute" data-testid="home.compute">
          {backend ? (
            <>
              Compute found: <strong>{backendLabel(backend, adapter)}</strong>.
            </>
          ) : engineError ? (
            <span className="field-problem">No backend could start: {engineError}</span>
          ) : (
            'Looking for a GPU…'
          )}
          {' '}
          <label className="compute-choice" title={training ? 'The backend cannot change while a run trains' : undefined}>
            Train on{' '}
            <select
              data-testid="home.computeChoice"
              value={compute}
              disabled={training}
              onChange={(e) => useSessionStore.getState().setCompute(e.target.value as ComputeChoice)}
            >
              {COMPUTE_CHOICES.map((choice) => (
                <option key={choice} value={choice}>
                  {computeOptionLabel(choice)}
                </option>
              ))}
            </select>
          </label>{' '}
          <a href="./bench.html" target="_blank" rel="noopener" data-testid="home.bench">
            How fast does this browser train?
          </a>
        </p>
        {backend && passedOver.length > 0 && (
          <ul className="muted passed-over" data-testid="home.passedOver" aria-label="Backends passed over">
            {passedOver.map((line) => (
              <li key={line}>Passed over {line}</li>
            ))}
          </ul>
        )}
        <div className="hero-actions">
          {shapes && (
            <button type="button" data-testid="home.demo" disabled={busy !== undefined || !backend} onClick={() => void demo(shapes)}>
              {busy === 'The shapes demo' ? 'Preparing the demo…' : 'Shapes in a minute'}
            </button>
          )}
          <button type="button" className="secondary" data-testid="home.ownImages" onClick={() => navigate('datasets')}>
            Start from my own images
          </button>
        </div>
        {shapes && <p className="muted">{recipeSummaries[shapes.id]}</p>}
      </section>

      <section aria-labelledby="recipes-title">
        <h2 id="recipes-title">Recipes</h2>
        <ul className="recipe-grid">
          {recipes.map((preset) => (
            <li key={preset.id} className="panel recipe">
              <h3>{preset.title}</h3>
              <p data-testid={`home.recipeSummary.${preset.id}`}>{recipeSummaries[preset.id]}</p>
              <p className="muted">In detail: {preset.description}</p>
              <p className="muted">
                {preset.spec.model.architecture} · {preset.spec.loss.type} · {preset.spec.optimizer.type} · trains on the {preset.demo} demo
              </p>
              <p className="recipe-evaluation">
                <strong>Then evaluate:</strong> {preset.evaluation}
              </p>
              <button
                type="button"
                className="secondary"
                data-testid={`home.recipe.${preset.id}`}
                disabled={busy !== undefined}
                aria-label={`Use the recipe ${preset.title}`}
                onClick={() => void run(`The recipe ${preset.title}`, () => applyPreset(preset))}
              >
                Use this recipe
              </button>
              <ImageNetStart preset={preset} disabled={busy !== undefined} />
            </li>
          ))}
          {shapes && (
            <li className="panel recipe">
              <h3>{shapes.title} (set up only)</h3>
              <p>The demo's recipe on the Train page, to change before it trains.</p>
              <button type="button" className="secondary" data-testid="home.recipe.shapes" disabled={busy !== undefined} onClick={() => void run('The shapes recipe', () => applyPreset(shapes))}>
                Use this recipe
              </button>
            </li>
          )}
        </ul>
      </section>
    </div>
  );
}
