import { useEffect, useRef } from 'react';
import { Modal } from '../common/Modal.tsx';

export interface DatasetConfirmDialogProps {
  title: string;
  /** Names what is about to go, with counts: destructive actions ask once and say what they delete. */
  message: string;
  confirmLabel: string;
  onConfirm(): void;
  onCancel(): void;
}

/** A yes/no for deleting datasets or samples; Escape or the backdrop cancels. */
export function DatasetConfirmDialog({ title, message, confirmLabel, onConfirm, onCancel }: DatasetConfirmDialogProps) {
  const cancel = useRef<HTMLButtonElement>(null);
  // Focus the safe choice, so a stray Enter does not delete.
  useEffect(() => cancel.current?.focus(), []);
  return (
    <Modal title={title} onClose={onCancel} testId="datasets.confirm">
      <p>{message}</p>
      <div className="ds-dialog-actions">
        <button ref={cancel} type="button" className="ds-button-quiet" onClick={onCancel}>
          Cancel
        </button>
        <button type="button" className="ds-button-danger" data-testid="datasets.confirmYes" onClick={onConfirm}>
          {confirmLabel}
        </button>
      </div>
    </Modal>
  );
}
