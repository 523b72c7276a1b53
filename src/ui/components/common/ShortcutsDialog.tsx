import { Modal } from './Modal.tsx';

/** The keyboard shortcuts, opened with `?`. */
export function ShortcutsDialog({ onClose }: { onClose(): void }) {
  return (
    <Modal title="Keyboard shortcuts" onClose={onClose} testId="shortcuts.dialog">
      <dl className="shortcuts">
        <dt>
          <kbd>Space</kbd>
        </dt>
        <dd>Pause or resume the run in progress (not while typing in a field)</dd>
        <dt>
          <kbd>P</kbd>
        </dt>
        <dd>Present the run full screen for a room (classroom mode); in it, arrows or Space switch panels, Esc or P leave</dd>
        <dt>
          <kbd>?</kbd>
        </dt>
        <dd>Show this list</dd>
        <dt>
          <kbd>Esc</kbd>
        </dt>
        <dd>Close a dialog</dd>
      </dl>
      <div className="button-row">
        <button type="button" className="secondary" autoFocus onClick={onClose}>
          Close
        </button>
      </div>
    </Modal>
  );
}
