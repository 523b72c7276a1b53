import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildModel } from '../../../core/models/buildModel.ts';
import { architectures, validateRunSpec } from '../../../core/spec/runSpec.ts';
import { estimateSpec, modelCatalog } from './ModelCatalog.ts';

describe('model catalog', () => {
  it('describes every architecture of the schema once, in its order', () => {
    expect(modelCatalog.map((m) => m.architecture)).toEqual([...architectures]);
    for (const m of modelCatalog) expect(m.description.length).toBeGreaterThan(10);
  });

  it.each([...architectures])('%s: the cost spec validates and carries the chosen settings', (architecture) => {
    const result = validateRunSpec(estimateSpec(architecture, { inputSize: 64, batchSize: 12, width: 0.5, numClasses: 7 }));
    expect(result.problems).toEqual([]);
    if (!result.ok) return;
    expect(result.spec.model).toMatchObject({ architecture, width: 0.5, inputSize: 64 });
    expect(result.spec.training.batchSize).toBe(12);
    expect(result.spec.data.source).toMatchObject({ kind: 'synthetic', classes: 7 });
  });

  it('names as its seeds exactly the examples (the Home cards) that train it', () => {
    const trainedBy = new Map<string, string[]>();
    for (const file of readdirSync('examples').filter((f) => /^\d{3}-.*\.json$/.test(f))) {
      const architecture = (JSON.parse(readFileSync(join('examples', file), 'utf8')) as { model: { architecture: string } }).model.architecture;
      trainedBy.set(architecture, [...new Set([...(trainedBy.get(architecture) ?? []), file.slice(0, 3)])]);
    }
    for (const m of modelCatalog) expect({ [m.architecture]: m.seeds.filter((s) => s !== 'demo') }).toEqual({ [m.architecture]: trainedBy.get(m.architecture) ?? [] });
  });

  it('states a minimum input each model really builds at', () => {
    for (const m of modelCatalog) {
      const model = buildModel({
        model: { architecture: m.architecture, width: 0.125, inputSize: m.minInput, head: { hidden: [], dropout: 0, batchNorm: false, activation: 'relu' }, frozenLayers: 0 },
        channels: 3,
        task: { kind: 'classification' },
        numClasses: 2,
        seed: 0,
        convention: 'torchvision',
      });
      model.dispose();
    }
    // vgg16's own check (src/core/models/vgg16.ts) agrees that 32 px is its floor.
    expect(modelCatalog.find((m) => m.architecture === 'vgg16')?.minInput).toBe(32);
  });
});
