import { useEffect, useRef } from 'react';

export interface DatasetConfirmDialogProps {
  title: string;
  /** Names what is about to go, with counts: destructive actions ask once and say what they delete. */
  message: string;
  confirmLabel: string;
  onConfirm(): void;
  onCancel(): void;
}

/** A modal yes/no for deleting datasets or samples; Escape or the backdrop cancels. */
export function DatasetConfirmDialog({ title, message, confirmLabel, onConfirm, onCancel }: DatasetConfirmDialogProps) {
  const cancel = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    // Focus the safe choice, so a stray Enter does not delete.
    cancel.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onCancel();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onCancel]);
  return (
    <div className="ds-backdrop" onClick={onCancel}>
      <div className="ds-dialog" role="alertdialog" aria-modal="true" aria-labelledby="ds-confirm-title" aria-describedby="ds-confirm-message" data-testid="datasets.confirm" onClick={(e) => e.stopPropagation()}>
        <h2 id="ds-confirm-title">{title}</h2>
        <p id="ds-confirm-message">{message}</p>
        <div className="ds-dialog-actions">
          <button ref={cancel} type="button" className="ds-button-quiet" onClick={onCancel}>
            Cancel
          </button>
          <button type="button" className="ds-button-danger" data-testid="datasets.confirmYes" onClick={onConfirm}>
            {confirmLabel}
          </button>
        </div>
      </div>
    </div>
  );
}
