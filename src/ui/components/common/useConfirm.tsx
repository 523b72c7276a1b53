import { useCallback, useState, type ReactNode } from 'react';
import { Modal } from './Modal.tsx';

interface Pending {
  question: string;
  resolve(ok: boolean): void;
}

/**
 * A promise-returning confirm for destructive actions: render the returned element, call
 * `ask(question)`, and it resolves true only if the person presses the confirm button.
 */
export function useConfirm(confirmLabel = 'Delete'): [ReactNode, (question: string) => Promise<boolean>] {
  const [pending, setPending] = useState<Pending>();
  const ask = useCallback((question: string) => new Promise<boolean>((resolve) => setPending({ question, resolve })), []);
  const close = useCallback(
    (ok: boolean) => {
      pending?.resolve(ok);
      setPending(undefined);
    },
    [pending],
  );
  const cancel = useCallback(() => close(false), [close]);
  const element = pending ? (
    <Modal title="Are you sure?" onClose={cancel} testId="confirm.dialog">
      <p>{pending.question}</p>
      <div className="button-row">
        <button type="button" className="danger" data-testid="confirm.ok" onClick={() => close(true)}>
          {confirmLabel}
        </button>
        <button type="button" className="secondary" data-testid="confirm.cancel" autoFocus onClick={cancel}>
          Cancel
        </button>
      </div>
    </Modal>
  ) : null;
  return [element, ask];
}
