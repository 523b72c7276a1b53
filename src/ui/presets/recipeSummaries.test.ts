import { describe, expect, it, vi } from 'vitest';
import { recipeSummaries } from './recipeSummaries.ts';
import { seedPresets } from './seedPresets.ts';

// The presets module pulls in the stores (applyPreset); these tests only read the data.
vi.mock('../../store/datasetsStore.ts', () => ({ useDatasetsStore: {} }));
vi.mock('../../store/sessionStore.ts', () => ({ useSessionStore: {} }));
vi.mock('../../store/runsStore.ts', () => ({ useRunsStore: {} }));

describe('recipe summaries', () => {
  it.each(seedPresets.map((p) => p.id))('%s says in plain words what it does and why', (id) => {
    const summary = recipeSummaries[id];
    expect(summary, `recipe ${id} has no plain summary`).toBeDefined();
    expect(summary.split(/[.:]\s/).length).toBeGreaterThanOrEqual(2);
    // None of the spec's shorthand a newcomer stumbled on (issue 25: "s 30, m 0.4"): no
    // parameter = number pairs, no loss or optimizer names, no code identifiers.
    expect(summary).not.toMatch(/\b[a-z] \d|\d+(\.\d+)?e-\d|lr\b|ArcFace|CDML|AdamW|SGD|OneCycle|StepLR|mixup|\b[a-z]+[A-Z]\w*/);
  });
});
