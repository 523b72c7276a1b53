import { useRef, useState } from 'react';
import { formatBytes } from '../../../storage/formatBytes.ts';
import type { DownloadProgress } from '../../../store/downloadWeights.ts';
import { useSessionStore } from '../../../store/sessionStore.ts';
import { applyPresetFromImageNet, imageNetWeightsFor } from '../../presets/applyPresetFromImageNet.ts';
import { applyPreset, type SeedPreset } from '../../presets/seedPresets.ts';

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * A recipe's second way in: from the catalogue's ImageNet weights when the network allows (a
 * download with its progress, or the copy this browser kept), saying plainly when it does not
 * (no file the browser reads, no network) and offering the recipe from scratch then.
 */
export function ImageNetStart({ preset, disabled }: { preset: SeedPreset; disabled?: boolean }) {
  const offer = imageNetWeightsFor(preset.spec.model.architecture);
  const [busy, setBusy] = useState(false);
  const [progress, setProgress] = useState<DownloadProgress>();
  const [failed, setFailed] = useState<string>();
  const abort = useRef<AbortController | undefined>(undefined);
  if (!offer) return null;
  const id = preset.id;
  if ('unavailable' in offer) {
    return (
      <p className="muted" data-testid={`imagenet.unavailable.${id}`}>
        {offer.unavailable}
      </p>
    );
  }
  const { entry } = offer;

  async function start() {
    const controller = new AbortController();
    abort.current = controller;
    setBusy(true);
    setFailed(undefined);
    setProgress(undefined);
    try {
      const changed = await applyPresetFromImageNet(preset, { onProgress: setProgress, signal: controller.signal });
      useSessionStore.getState().notify(`${preset.title} starts from ${entry.title}: ${changed.join('; ')}.`);
    } catch (e) {
      setFailed(errorText(e));
    } finally {
      setBusy(false);
      abort.current = undefined;
    }
  }

  async function fromScratch() {
    try {
      await applyPreset(preset);
    } catch (e) {
      useSessionStore.getState().notify(`Could not use “${preset.title}”: ${errorText(e)}`, 'error');
    }
  }

  return (
    <div className="imagenet-start" data-testid={`imagenet.${id}`}>
      {busy ? (
        <p className="muted" data-testid={`imagenet.progress.${id}`}>
          Downloading {entry.title}
          {progress ? `: ${formatBytes(progress.received)}${progress.total !== undefined ? ` of ${formatBytes(progress.total)}` : ''}` : '…'}{' '}
          <button type="button" className="link" onClick={() => abort.current?.abort()}>
            Cancel
          </button>
        </p>
      ) : (
        <button type="button" className="secondary" data-testid={`imagenet.start.${id}`} disabled={disabled} title={`${entry.licence}. The URL was checked by name only.`} onClick={() => void start()}>
          Start from ImageNet weights
        </button>
      )}
      {!busy && !failed && (
        <p className="muted">
          {entry.title}
          {entry.top1 !== undefined ? ` (ImageNet top-1 ${entry.top1.toFixed(1)} %)` : ''}, downloaded once and kept in this browser; the backbone is frozen and only the head trains.
        </p>
      )}
      {failed && (
        <div role="alert" className="field-problem" data-testid={`imagenet.failed.${id}`}>
          <p>The ImageNet weights could not be used: {failed}</p>
          <p>
            This recipe also trains from scratch and reaches its target on its demo data.{' '}
            <button type="button" data-testid={`imagenet.fromScratch.${id}`} onClick={() => void fromScratch()}>
              Use it from scratch
            </button>
          </p>
        </div>
      )}
    </div>
  );
}
