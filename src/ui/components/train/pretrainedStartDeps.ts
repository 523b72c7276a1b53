import type { RunSpecInput } from '../../../core/spec/runSpec.ts';
import type { PretrainedStartDeps, WeightCheck } from '../../../store/pretrainedStart.ts';
import { useSessionStore } from '../../../store/sessionStore.ts';
import { studioStorage } from '../../../store/studioStorageHandle.ts';

/**
 * The draft as the engine checks it: with the chosen dataset filled in (the draft leaves it to
 * the picker), or a placeholder when none is chosen yet, whose head the engine sizes for two
 * classes and says so.
 */
function checkable(spec: RunSpecInput): RunSpecInput {
  const source = spec.data?.source;
  if (source?.kind !== 'indexeddb' || source.datasetId) return spec;
  const datasetId = useSessionStore.getState().draftDatasetId ?? '(no dataset chosen)';
  return { ...spec, data: { ...spec.data, source: { kind: 'indexeddb', datasetId } } } as RunSpecInput;
}

/** A pretrained start in the page: checked by the engine worker, kept in this browser's weight cache. */
export const pretrainedStartDeps: PretrainedStartDeps = {
  check: async (spec, file): Promise<WeightCheck> => {
    const { lines, report } = await useSessionStore.getState().engine().checkWeights(checkable(spec), file);
    return { lines, ...(report ? { report } : {}) };
  },
  weights: async () => (await studioStorage()).weights,
};
