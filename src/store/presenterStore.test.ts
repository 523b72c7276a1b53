import { beforeEach, describe, expect, it } from 'vitest';
import { usePresenterStore } from './presenterStore.ts';

beforeEach(() => usePresenterStore.setState({ open: false, runId: undefined, panel: 'curves', prediction: undefined }));

describe('presenter store', () => {
  it('opens on a run, walks the panels both ways round, and P toggles', () => {
    const s = () => usePresenterStore.getState();
    s().present('r1');
    expect(s()).toMatchObject({ open: true, runId: 'r1', panel: 'curves' });
    s().step(1);
    expect(s().panel).toBe('prediction');
    s().step(1);
    expect(s().panel).toBe('curves');
    s().step(-1);
    expect(s().panel).toBe('prediction');
    s().toggle();
    expect(s().open).toBe(false);
    s().toggle();
    // P opens on the run the Train page shows, not on the one presented last.
    expect(s()).toMatchObject({ open: true, runId: undefined });
  });
});
