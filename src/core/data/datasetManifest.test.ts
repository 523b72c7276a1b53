import { describe, expect, it } from 'vitest';
import { checkDatasetManifest, datasetVersion, type DatasetManifest } from './datasetManifest.ts';

const h = (n: number) => n.toString(16).padStart(64, '0');
const samples: DatasetManifest['samples'] = [
  { id: h(2), hash: h(2), name: 'b.png', className: 'dog', identity: 'rex' },
  { id: h(1), hash: h(1), name: 'a.png', className: 'cat', bbox: [0.1, 0.2, 0.5, 0.6] },
];

describe('dataset manifests', () => {
  it('have a version that ignores order and names but changes with any label', () => {
    expect(datasetVersion([{ ...samples[0], name: 'renamed.png' }, samples[1]])).toBe(datasetVersion(samples));
    expect(datasetVersion([...samples].reverse())).toBe(datasetVersion(samples));
    expect(datasetVersion([{ ...samples[0], className: 'cat' }, samples[1]])).not.toBe(datasetVersion(samples));
  });

  it('are refused with the reason when malformed, duplicated or mislabelled by their version', () => {
    const good: DatasetManifest = { format: 'studio-dataset/1', version: datasetVersion(samples), name: 'pets', samples };
    expect(checkDatasetManifest(good)).toEqual({ ok: true, manifest: good });
    const badHash = checkDatasetManifest({ ...good, samples: [{ ...samples[0], hash: 'XYZ' }] });
    expect(badHash.ok ? [] : badHash.problems).toEqual(['samples.0.hash: must be a lowercase hex SHA-256 (64 digits)']);
    const dup = checkDatasetManifest({ ...good, samples: [samples[0], samples[0]] });
    expect(dup.ok ? [] : dup.problems[0]).toContain('repeated');
    const lie = checkDatasetManifest({ ...good, version: '0123456789abcdef' });
    expect(lie.ok ? [] : lie.problems[0]).toContain('does not match the samples');
  });
});
