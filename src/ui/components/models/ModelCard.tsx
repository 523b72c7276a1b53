import { useEffect, useRef } from 'react';
import { BACKBONE_BLOCKS } from '../../../core/models/backboneBlocks.ts';
import type { MemoryEstimate } from '../../../engine/protocol.ts';
import { formatBytes } from '../../../storage/formatBytes.ts';
import { formatCount, memoryWarnings } from './ModelCostFormat.ts';
import type { ModelInfo } from './ModelCatalog.ts';
import { pretrainedCatalog } from './pretrainedCatalog.ts';

export type CardEstimate = { state: 'loading' } | { state: 'done'; estimate: MemoryEstimate } | { state: 'failed'; message: string };

export interface ModelCardProps {
  info: ModelInfo;
  /** "at 96 px, batch 32, width 0.5": what the figures are for. */
  settingsLabel: string;
  /** False when the input size is below what this model builds at. */
  fits: boolean;
  estimate: CardEstimate | undefined;
  onEstimate(): void;
  onUse(): void;
  /** Opens the Train page on this architecture started from its shipped weights (face-api's). */
  onUseShipped?(): void;
}

/** Calls `onVisible` once, when the element first scrolls into view (at once where IntersectionObserver is missing). */
function useFirstSight<T extends Element>(onVisible: () => void) {
  const ref = useRef<T>(null);
  const latest = useRef(onVisible);
  useEffect(() => {
    latest.current = onVisible;
  });
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    if (typeof IntersectionObserver === 'undefined') return latest.current();
    const observer = new IntersectionObserver((entries) => {
      if (!entries.some((e) => e.isIntersecting)) return;
      observer.disconnect();
      latest.current();
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return ref;
}

/**
 * One architecture of the zoo: what it is, and its cost at the chosen settings. The cost
 * is asked for when the card first comes into view (the engine builds the model), so the
 * cards a person looks at fill in without a click and the rest cost nothing.
 */
export function ModelCard({ info, settingsLabel, fits, estimate, onEstimate, onUse, onUseShipped }: ModelCardProps) {
  const pretrained = pretrainedCatalog[info.architecture] ?? [];
  const ref = useFirstSight<HTMLElement>(() => {
    if (fits && estimate === undefined) onEstimate();
  });
  const e = estimate?.state === 'done' ? estimate.estimate : undefined;
  const warnings = e ? memoryWarnings(e) : [];
  return (
    <article ref={ref} className="ds-panel md-card" data-testid={`models.card.${info.architecture}`} aria-label={info.title}>
      <h3>{info.title}</h3>
      <div className="md-tags">
        <span className="md-tag">{info.family}</span>
        {info.seeds.map((s) => (
          <span key={s} className="md-tag">
            {s === 'demo' ? 'shapes demo' : `seed ${s}`}
          </span>
        ))}
      </div>
      <p className="ds-muted ds-note">{info.description}</p>
      <p className="ds-muted ds-note" data-testid="models.blocks">
        Freezes by block: {BACKBONE_BLOCKS[info.architecture].count} ({BACKBONE_BLOCKS[info.architecture].what}); <code>frozenLayers</code> counts them.
      </p>
      {pretrained.length > 0 && (
        <details className="ds-note" data-testid="models.pretrained">
          <summary>Pretrained weights ({pretrained.length})</summary>
          <ul className="md-pretrained">
            {pretrained.map((p) => (
              <li key={p.url}>
                <strong>{p.title}</strong>
                {p.top1 !== undefined && <> · ImageNet top-1 {p.top1.toFixed(1)} %</>}
                <span className="md-tag" data-testid="models.pretrained.checked">
                  {p.checked === 'shipped' ? 'shipped · offline' : 'checked by name only'}
                </span>
                <br />
                {p.format === 'shipped' ? <span className="ds-muted">ships with the studio</span> : <code className="md-url">{p.url}</code>}
                <br />
                <span className="ds-muted">Licence: {p.licence}.</span>
                {p.note && <span className="ds-muted"> {p.note}.</span>}
              </li>
            ))}
          </ul>
          <p className="ds-muted">
            Hugging Face and download.pytorch.org cannot be reached from where the studio is developed: these addresses and licences were checked by name
            (torchvision 0.14's weight tables, the Hub's repository names), not downloaded. In Train → Initial weights, a URL is downloaded once and kept in
            this browser.
          </p>
        </details>
      )}
      {!fits ? (
        <p className="md-warning">Needs an input of at least {info.minInput} px.</p>
      ) : e ? (
        <dl data-testid="models.cost">
          <dt>params</dt>
          <dd>{formatCount(e.params)}</dd>
          <dt>size</dt>
          <dd>{(e.weightBytes / 1e6).toFixed(1)} MB</dd>
          <dt>FLOPs / image</dt>
          <dd>{formatCount(e.flops)}</dd>
          <dt>training memory</dt>
          <dd title={`weights + gradients + optimizer ${formatBytes(e.optimizerBytes)}, activations ${formatBytes(e.activationBytes)}`}>{formatBytes(e.totalBytes)}</dd>
        </dl>
      ) : estimate === undefined || estimate.state === 'loading' ? (
        <p role="status" className="ds-muted">
          Building it in the engine to measure it…
        </p>
      ) : estimate?.state === 'failed' ? (
        <p className="ds-error" role="alert">
          {estimate.message}
        </p>
      ) : null}
      {e && <p className="ds-muted ds-note">{settingsLabel}</p>}
      {warnings.map((w) => (
        <p key={w} className="md-warning" role="note">
          ⚠ {w}
        </p>
      ))}
      <div className="md-card-actions">
        <button type="button" className="ds-button-quiet" disabled={!fits || estimate?.state === 'loading'} onClick={onEstimate} data-testid="models.estimate">
          {e ? 'Re-estimate' : 'Estimate cost'}
        </button>
        <button type="button" disabled={!fits} onClick={onUse} data-testid="models.use">
          Use in Train
        </button>
        {onUseShipped && (
          <button type="button" onClick={onUseShipped} data-testid="models.useShipped">
            Start from face-api's weights
          </button>
        )}
      </div>
    </article>
  );
}
