import { parseRunSpec, type RunSpecInput } from '../../core/spec/runSpec.ts';
export { tinyRunSpec } from '../../../test/tinyRunSpec.ts';
import { stableHash } from '../../core/util/stableHash.ts';
import type { RunRepo } from '../../storage/runRepo.ts';
import type { RunRecord } from '../../storage/storageRecords.ts';

/** Test support only: stores a queued run of `spec`, as the page does before it says "train". */
export function storeRun(runs: RunRepo, spec: RunSpecInput, id: string): Promise<RunRecord> {
  const parsed = parseRunSpec(spec);
  return runs.create({
    id,
    name: id,
    tags: [],
    spec: parsed,
    specHash: stableHash(parsed),
    architecture: parsed.model.architecture,
    status: 'queued',
    createdAt: Date.now(),
    activeSec: 0,
    epochsDone: 0,
    step: 0,
  });
}
