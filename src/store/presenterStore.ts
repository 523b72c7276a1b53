import { create } from 'zustand';
import type { Prediction } from '../core/train/predictor.ts';
import type { PredictorInfo } from '../engine/protocol.ts';

/** The presenter view's panels, in the order the arrow keys walk them. */
export const presenterPanels = ['curves', 'prediction'] as const;
export type PresenterPanel = (typeof presenterPanels)[number];

export interface PresenterState {
  open: boolean;
  /** The run presented; none: the run the Train page shows. */
  runId?: string;
  panel: PresenterPanel;
  /** Try it's latest answer, whichever page made it, so a room sees it in large type. */
  prediction?: { prediction: Prediction; info: PredictorInfo; at: number };
  present(runId?: string): void;
  leave(): void;
  /** P: opens on the run the Train page shows, or leaves. */
  toggle(): void;
  /** +1 the next panel, -1 the previous one, wrapping round. */
  step(delta: 1 | -1): void;
  showPanel(panel: PresenterPanel): void;
  setPrediction(prediction: Prediction, info: PredictorInfo): void;
}

/** Classroom mode: a full-screen view of a run for a projector, driven from the keyboard. */
export const usePresenterStore = create<PresenterState>()((set, get) => ({
  open: false,
  panel: 'curves',
  present(runId) {
    set({ open: true, runId });
  },
  leave() {
    set({ open: false });
  },
  toggle() {
    if (get().open) get().leave();
    else get().present();
  },
  step(delta) {
    const at = presenterPanels.indexOf(get().panel);
    set({ panel: presenterPanels[(at + delta + presenterPanels.length) % presenterPanels.length] });
  },
  showPanel(panel) {
    set({ panel });
  },
  setPrediction(prediction, info) {
    set({ prediction: { prediction, info, at: Date.now() } });
  },
}));
