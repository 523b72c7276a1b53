import { describe, expect, it } from 'vitest';
import type { RunBundleImport } from '../storage/runBundleRepo.ts';
import type { DatasetRecord, RunRecord } from '../storage/storageRecords.ts';
import { describeRunImport } from './describeRunImport.ts';

const run = { id: 'r', name: 'shapes-1' } as RunRecord;
const record = { id: 'd', name: 'shapes', sampleCount: 72 } as DatasetRecord;

describe('describeRunImport', () => {
  it('says where the dataset came from and whether the run became a copy', () => {
    expect(describeRunImport({ run, dataset: { kind: 'added', record } })).toBe("Imported run 'shapes-1' with its dataset 'shapes' (72 images).");
    expect(describeRunImport({ run, dataset: { kind: 'existing', record } })).toContain("its dataset 'shapes' was already here");
    expect(describeRunImport({ run, dataset: { kind: 'missing', name: 'digits' } })).toContain("'digits' is not in this browser, so Try it works but Evaluate does not");
    expect(describeRunImport({ run, dataset: { kind: 'none' } })).toBe("Imported run 'shapes-1'.");
    const copy: RunBundleImport = { run, dataset: { kind: 'none' }, renamedFrom: 'r0' };
    expect(describeRunImport(copy)).toMatch(/already had a run with its id, which was left as it was/);
  });
});
