import { useState } from 'react';
import { demoDatasetKinds } from '../../../import/demoDatasets.ts';
import { useSessionStore } from '../../../store/sessionStore.ts';
import { recipeSummaries } from '../../presets/recipeSummaries.ts';
import { applyPreset, type SeedPreset } from '../../presets/seedPresets.ts';
import { ImageNetStart } from './ImageNetStart.tsx';

/** One recipe: what it reproduces, its main choices, and "Use" (demo data made if missing, then the Train page). */
export function ModelPresetCard({ preset }: { preset: SeedPreset }) {
  const [busy, setBusy] = useState(false);
  const { model, loss, optimizer, schedule, training, data } = preset.spec;
  const demo = demoDatasetKinds.find((k) => k.kind === preset.demo);
  const facts = [
    `${model.architecture} ×${model.width ?? 1} at ${data.imageSize} px`,
    `${loss.type} loss`,
    `${optimizer.type} lr ${optimizer.lr}`,
    `${schedule?.type ?? 'constant'} schedule`,
    `${training.epochs} epochs × batch ${training.batchSize}${training.gradientAccumulation ? ` × ${training.gradientAccumulation} accumulated` : ''}`,
  ];
  async function use() {
    setBusy(true);
    try {
      await applyPreset(preset);
    } catch (e) {
      useSessionStore.getState().notify(`Could not use “${preset.title}”: ${e instanceof Error ? e.message : String(e)}`, 'error');
    } finally {
      setBusy(false);
    }
  }
  return (
    <article className="ds-panel md-card" aria-label={preset.title} data-testid={`models.presetCard.${preset.id}`}>
      <h3>{preset.title}</h3>
      <div className="md-tags">
        <span className="md-tag">{preset.spec.task.kind}</span>
        <span className="md-tag">{demo ? `${demo.title} demo data` : preset.demo}</span>
      </div>
      <p className="ds-note">{recipeSummaries[preset.id]}</p>
      <p className="ds-muted ds-note">In detail: {preset.description}</p>
      <ul className="ds-note">
        {facts.map((f) => (
          <li key={f}>{f}</li>
        ))}
      </ul>
      <div className="md-card-actions">
        <button type="button" data-testid={`models.preset.${preset.id}`} disabled={busy} onClick={() => void use()}>
          {busy ? 'Preparing…' : 'Use'}
        </button>
      </div>
      <ImageNetStart preset={preset} disabled={busy} />
    </article>
  );
}
