import { useEffect, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import type { Box } from '../../../core/data/sampleSource.ts';
import type { SampleRecord } from '../../../storage/storageRecords.ts';
import { boxFromCorners, dragHandle, fitSize, isUsableBox, nudgeStep, resizeHandles, roundBox, toNormalized, type BoxHandle, type Point } from './BoxGeometry.ts';
import { useSampleImageUrl } from './SampleImageUrl.ts';

export interface BoxEditorProps {
  sample: SampleRecord;
  /** "3 of 120", for orientation while stepping through samples. */
  position: string;
  onSave(bbox: Box | null): Promise<void>;
  /** Go to the previous (-1) or next (+1) sample. */
  onStep(delta: -1 | 1): void;
  onClose(): void;
}

const FRAME = 480;

type Drag = { kind: 'draw'; origin: Point; before: Box | undefined } | { kind: 'handle'; handle: BoxHandle; origin: Point; start: Box };

const sameBox = (a: Box | undefined, b: Box | undefined) => (a === undefined || b === undefined ? a === b : a.every((v, i) => v === b[i]));

/**
 * One sample shown large, with its box: drag on the image to draw one, drag the box to
 * move it, drag a handle to resize; arrows nudge by a pixel (Shift: ten), Alt+arrows
 * resize, Delete removes the box, Enter saves, Escape closes, PageUp / PageDown step.
 */
export function BoxEditor(props: BoxEditorProps) {
  // A fresh editor per sample: its box starts from what that sample has stored.
  return <BoxEditorFor key={`${props.sample.id}:${props.sample.bbox?.join(',') ?? ''}`} {...props} />;
}

function BoxEditorFor({ sample, position, onSave, onStep, onClose }: BoxEditorProps) {
  const [box, setBox] = useState<Box | undefined>(sample.bbox);
  const [saving, setSaving] = useState(false);
  const [thumbOnly, setThumbOnly] = useState(false);
  const frame = useRef<HTMLDivElement>(null);
  const dialog = useRef<HTMLDivElement>(null);
  const drag = useRef<Drag | undefined>(undefined);
  const full = useSampleImageUrl(sample.hash, 'image');
  const thumb = useSampleImageUrl(sample.hash, 'thumb');
  const fit = fitSize(sample.width, sample.height, FRAME, FRAME);
  const dirty = !sameBox(box, sample.bbox);

  useEffect(() => dialog.current?.focus(), []);

  const point = (e: PointerEvent) => toNormalized(e.clientX, e.clientY, (frame.current as HTMLDivElement).getBoundingClientRect());

  function startDrag(e: PointerEvent, handle: BoxHandle | undefined) {
    if (e.button !== 0) return;
    e.preventDefault();
    e.stopPropagation();
    frame.current?.setPointerCapture(e.pointerId);
    const origin = point(e);
    const inside = box && origin.x >= box[0] && origin.x <= box[2] && origin.y >= box[1] && origin.y <= box[3];
    if (handle) drag.current = { kind: 'handle', handle, origin, start: box as Box };
    else if (inside) drag.current = { kind: 'handle', handle: 'move', origin, start: box as Box };
    else drag.current = { kind: 'draw', origin, before: box };
  }

  function moveDrag(e: PointerEvent) {
    const d = drag.current;
    if (!d) return;
    const p = point(e);
    setBox(d.kind === 'draw' ? boxFromCorners(d.origin, p) : dragHandle(d.start, d.handle, p.x - d.origin.x, p.y - d.origin.y));
  }

  function endDrag() {
    const d = drag.current;
    drag.current = undefined;
    // A click without a drag is not a box: keep what was there.
    if (d?.kind === 'draw' && box && !isUsableBox(box)) setBox(d.before);
  }

  async function save() {
    setSaving(true);
    try {
      await onSave(box ? roundBox(box) : null);
    } finally {
      setSaving(false);
    }
  }

  function onKeyDown(e: KeyboardEvent) {
    const arrows: Record<string, [number, number]> = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    const arrow = arrows[e.key];
    if (arrow && box) {
      e.preventDefault();
      const dx = arrow[0] * nudgeStep(sample.width, e.shiftKey);
      const dy = arrow[1] * nudgeStep(sample.height, e.shiftKey);
      setBox(dragHandle(box, e.altKey ? 'se' : 'move', dx, dy));
    } else if (e.key === 'Delete' || e.key === 'Backspace') {
      e.preventDefault();
      setBox(undefined);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      void save();
    } else if (e.key === 'Escape') {
      e.preventDefault();
      onClose();
    } else if (e.key === 'PageDown' || e.key === 'PageUp') {
      e.preventDefault();
      onStep(e.key === 'PageDown' ? 1 : -1);
    }
  }

  const pct = (v: number) => `${v * 100}%`;
  return (
    <div className="ds-backdrop" onClick={onClose}>
      <div
        ref={dialog}
        className="ds-dialog ds-box-editor"
        role="dialog"
        aria-modal="true"
        aria-label={`box editor: ${sample.name}`}
        data-testid="datasets.boxEditor"
        tabIndex={-1}
        onKeyDown={onKeyDown}
        onClick={(e) => e.stopPropagation()}
      >
        <header className="ds-box-head">
          <strong>{sample.name}</strong>
          <span className="ds-muted">
            {sample.className} · {sample.width}×{sample.height} · {position}
          </span>
        </header>
        <div
          ref={frame}
          className="ds-box-frame"
          style={{ width: fit.width, height: fit.height }}
          onPointerDown={(e) => startDrag(e, undefined)}
          onPointerMove={moveDrag}
          onPointerUp={endDrag}
          onPointerCancel={endDrag}
          data-testid="datasets.boxFrame"
        >
          {(thumbOnly ? thumb : (full ?? thumb)) && (
            <img src={thumbOnly ? thumb : (full ?? thumb)} alt={sample.name} width={fit.width} height={fit.height} draggable={false} onError={() => setThumbOnly(true)} />
          )}
          {box && (
            <div className="ds-box" style={{ left: pct(box[0]), top: pct(box[1]), width: pct(box[2] - box[0]), height: pct(box[3] - box[1]) }} data-testid="datasets.box">
              {resizeHandles.map((h) => (
                <div key={h} className={`ds-handle ds-handle-${h}`} aria-hidden="true" onPointerDown={(e) => startDrag(e, h)} />
              ))}
            </div>
          )}
        </div>
        <p className="ds-muted ds-note" data-testid="datasets.boxValue">
          {box ? `box [${roundBox(box).join(', ')}]` : 'no box: drag on the image to draw one'}
          {dirty ? ' · unsaved' : ''}
        </p>
        <div className="ds-dialog-actions">
          <button type="button" className="ds-button-quiet" onClick={() => onStep(-1)} aria-label="previous sample">
            ‹ Prev
          </button>
          <button type="button" className="ds-button-quiet" onClick={() => onStep(1)} aria-label="next sample">
            Next ›
          </button>
          <button type="button" className="ds-button-quiet" onClick={() => setBox(undefined)} disabled={!box} data-testid="datasets.boxRemove">
            Remove box
          </button>
          <button type="button" className="ds-button-quiet" onClick={onClose}>
            Close
          </button>
          <button type="button" onClick={() => void save()} disabled={!dirty || saving} data-testid="datasets.boxSave">
            {saving ? 'Saving…' : 'Save box'}
          </button>
        </div>
      </div>
    </div>
  );
}
