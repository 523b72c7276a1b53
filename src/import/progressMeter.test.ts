import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ImportProgress } from './importFiles.ts';
import { ProgressMeter } from './progressMeter.ts';

afterEach(() => vi.restoreAllMocks());

describe('ProgressMeter', () => {
  it('reports at most every 100 ms, always when final, with rate and time left', () => {
    const now = vi.spyOn(performance, 'now').mockReturnValue(0);
    const seen: ImportProgress[] = [];
    const meter = new ProgressMeter(10, (p) => seen.push(p));
    now.mockReturnValue(1000);
    meter.done = 2;
    meter.tick();
    now.mockReturnValue(1050);
    meter.done = 3;
    meter.tick();
    expect(seen).toHaveLength(1);
    // 2 files in 1 s: 2 files/s, 8 left -> 4 s.
    expect(seen[0]).toMatchObject({ done: 2, total: 10, filesPerSec: 2, etaSec: 4 });
    now.mockReturnValue(1060);
    meter.tick(true);
    expect(seen).toHaveLength(2);
    now.mockReturnValue(1200);
    meter.done = 10;
    meter.tick();
    expect(seen[2]).toMatchObject({ done: 10, etaSec: 0 });
  });

  it('says the time left is unknown (Infinity) before any file is done', () => {
    vi.spyOn(performance, 'now').mockReturnValue(0);
    const seen: ImportProgress[] = [];
    new ProgressMeter(5, (p) => seen.push(p)).tick();
    expect(seen[0].etaSec).toBe(Infinity);
  });
});
