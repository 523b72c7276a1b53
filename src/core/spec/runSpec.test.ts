import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { stableHash } from '../util/stableHash.ts';
import { modelConvention, parseRunSpec, validateRunSpec } from './runSpec.ts';

const example = (name: string) => JSON.parse(readFileSync(`examples/${name}`, 'utf8')) as Record<string, unknown>;
const problems = (input: unknown) => {
  const r = validateRunSpec(input);
  return r.ok ? [] : r.problems.map((p) => `${p.path}: ${p.message}`);
};

describe('validateRunSpec', () => {
  it('accepts every shipped example and fills defaults', () => {
    for (const file of readdirSync('examples').filter((f) => f.endsWith('.json'))) {
      expect(problems(example(file)), file).toEqual([]);
    }
    const spec = parseRunSpec(example('shapes-demo.json'));
    expect(spec.data.split).toEqual({ train: 0.7, val: 0.15, test: 0.15, by: 'auto' });
    expect(spec.training.gradientAccumulation).toBe(1);
    expect(spec.optimizer).toMatchObject({ betas: [0.9, 0.999], eps: 1e-8 });
  });

  it('names every bad field with its value', () => {
    const base = example('shapes-demo.json') as { model: object; optimizer: object; training: object; data: object };
    const bad = {
      ...base,
      model: { ...base.model, width: -1, architecture: 'resnet99' },
      optimizer: { type: 'adam', lr: 0 },
      training: { ...base.training, batchSize: 2.5 },
    };
    expect(problems(bad)).toEqual([
      expect.stringMatching(/^model\.architecture: must be one of mlp, .*, got "resnet99"$/),
      'model.width: must be > 0, got -1',
      'optimizer.lr: must be > 0, got 0',
      'training.batchSize: must be an integer, got 2.5',
    ]);
  });

  it("takes initial weights by SHA-256 or face-api's, checks them, and adds nothing to a spec made before (its hash stays)", () => {
    const base = example('shapes-demo.json') as { model: Record<string, unknown> };
    const withWeights = (initialWeights: unknown, model: Record<string, unknown> = {}) => ({ ...base, model: { ...base.model, ...model, initialWeights } });
    const sha256 = 'ab'.repeat(32);
    expect(problems(withWeights({ from: 'safetensors', path: 'r.safetensors', sha256 }, { architecture: 'resnet18', width: 1 }))).toEqual([]);
    expect(problems(withWeights({ from: 'safetensors', path: 'r.safetensors', sha256: 'AB'.repeat(32) }, { architecture: 'resnet18', width: 1 }))).toEqual([
      expect.stringMatching(/^model\.initialWeights\.sha256: must be 64 lowercase hex digits \(a SHA-256\), got "ABAB/),
    ]);
    expect(problems(withWeights({ from: 'faceApi' }, { architecture: 'faceRecognitionNet', inputSize: 150 }))).toEqual(expect.not.arrayContaining([expect.stringContaining('initialWeights')]));
    expect(problems(withWeights({ from: 'faceApi' }, { architecture: 'resnet18' }))).toEqual(["model.initialWeights: face-api's weights are for faceRecognitionNet, not resnet18"]);
    const plain = withWeights({ from: 'safetensors', path: 'r.safetensors' }, { architecture: 'resnet18', width: 1 });
    // Parsing adds no sha256 to a spec made before it existed, so the spec, and its hash, are as they were.
    expect(parseRunSpec(plain).model.initialWeights).toEqual({ from: 'safetensors', path: 'r.safetensors', naming: 'torchvision' });
  });

  it('checks the rules that join fields', () => {
    const base = example('shapes-demo.json') as Record<string, Record<string, unknown>>;
    expect(problems({ ...base, model: { ...base.model, inputSize: 64 } })).toEqual([
      'model.inputSize: must equal data.imageSize (32), got 64',
    ]);
    expect(problems({ ...base, loss: { type: 'arcface' } })).toEqual(['loss.type: arcface needs task.kind "embedding", got "classification"']);
    expect(problems({ ...base, task: { kind: 'embedding' }, loss: { type: 'crossEntropy' } })).toEqual([
      'loss.type: an embedding task needs arcface, cosface or cdml, got crossEntropy',
      'model.embeddingSize: is required for an embedding task',
    ]);
    expect(problems({ ...base, data: { ...base.data, split: { train: 0.8, val: 0.3, test: 0 } } })).toEqual([
      'data.split: train + val + test must sum to 1, got 1.1',
    ]);
    expect(problems({ ...base, schedule: { type: 'multiStep', milestones: [5, 3] } })).toEqual(['schedule.milestones: must be strictly increasing']);
  });

  it('rejects what is not a spec at all', () => {
    expect(problems(null)).toEqual(['(spec): must be a JSON object, got null']);
    expect(problems([1])).toEqual(['(spec): must be a JSON object, got [1]']);
    expect(problems({ version: 3 })[0]).toBe('version: must be 1 or 2 (2 for new specs), got 3');
  });

  it('gives each version its convention: version 1 keeps the zoo it was made with, version 2 computes PyTorch’s function', () => {
    const demo = example('shapes-demo.json') as { model: Record<string, unknown> };
    const base = parseRunSpec(demo);
    expect(modelConvention({ ...base, version: 1 })).toBe('keras');
    expect(modelConvention({ ...base, version: 2 })).toBe('torchvision');
    expect(modelConvention({ ...base, version: 1, model: { ...base.model, convention: 'torchvision' } })).toBe('torchvision');
    expect(problems({ ...demo, model: { ...demo.model, convention: 'pytorch' } })).toEqual([
      'model.convention: must be one of torchvision, keras, got "pytorch"',
    ]);
    // Parsing adds no convention, so a stored spec hashes as it did when its checkpoints were written.
    expect(stableHash(parseRunSpec({ ...demo, version: 1 }))).toBe(stableHash({ ...base, version: 1 }));
    expect('convention' in base.model).toBe(false);
  });
});
