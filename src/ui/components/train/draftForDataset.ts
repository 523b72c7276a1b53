import type { RunSpecInput } from '../../../core/spec/runSpec.ts';
import type { DatasetRecord } from '../../../storage/storageRecords.ts';

/**
 * Augmentations that assume something of the images — a mirrored, rotated, cropped or
 * recoloured picture still shows the same class — with the words the form uses for them.
 * True of shapes and pets, false of digits and text; so they do not follow the draft to
 * another dataset. Mixup mixes labels rather than geometry and stays.
 */
const DATA_SPECIFIC: [key: string, label: string][] = [
  ['flip', 'horizontal flip'],
  ['rotation', 'rotation'],
  ['randomResizedCrop', 'random resized crop'],
  ['colorJitter', 'colour jitter'],
];

/** A run name from a dataset's: lower case, runs of anything but letters and digits as one dash. */
function slug(name: string): string {
  const s = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/×/g, 'x')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return s || 'dataset';
}

/**
 * The draft made ready for another dataset (issue 25: the previous run's name and its
 * horizontal flip stayed when digits were chosen). Choosing the dataset it already has
 * (or none) only updates the source; another dataset also names the run after it and
 * clears the data-specific augmentations. `changed` says what was reset, in the form's words.
 */
export function draftForDataset(draft: RunSpecInput, dataset: Pick<DatasetRecord, 'id' | 'name' | 'version'> | undefined): { spec: RunSpecInput; changed: string[] } {
  const data = draft.data ?? ({} as NonNullable<RunSpecInput['data']>);
  const before = data.source?.kind === 'indexeddb' ? data.source.datasetId : undefined;
  if (!dataset) return { spec: { ...draft, data: { ...data, source: { kind: 'indexeddb', datasetId: '' } } }, changed: [] };
  const source = { kind: 'indexeddb' as const, datasetId: dataset.id, version: dataset.version };
  if (before === dataset.id) return { spec: { ...draft, data: { ...data, source } }, changed: [] };

  const augmentation: Record<string, unknown> = { ...(data.augmentation ?? {}) };
  const changed: string[] = [];
  const name = `${slug(dataset.name)}-${draft.model?.architecture ?? 'model'}`;
  if (draft.name !== name) changed.push('name');
  for (const [key, label] of DATA_SPECIFIC) {
    if (augmentation[key] === undefined) continue;
    delete augmentation[key];
    changed.push(label);
  }
  return { spec: { ...draft, name, data: { ...data, source, augmentation } }, changed };
}
