import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { stableHash } from '../util/stableHash.ts';
import type { z } from 'zod';
import { modelConvention, parseRunSpec, runSpecSchema, sectionDefaults, validateRunSpec } from './runSpec.ts';
import { unwrapSchema } from './unknownKeyProblem.ts';

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
    expect(problems(withWeights({ from: 'faceApi' }, { architecture: 'resnet18' }))).toEqual(["model.initialWeights: face-api's weights are for faceRecognitionNet or faceExpressionNet, not resnet18"]);
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
    expect(problems({ ...base, data: { ...base.data, split: { heldOut: { test: ['ann'] } } } })).toEqual([
      'data.split.heldOut: holds identities out of training, so it needs an identity split (by "identity", or "auto" on an embedding task)',
    ]);
    expect(problems({ ...base, data: { ...base.data, split: { by: 'identity', heldOut: { val: ['ann', 'bo'], test: ['bo'] } } } })).toEqual([
      'data.split.heldOut: an identity is held out in one split only, got "bo" in both val and test',
    ]);
    expect(problems({ ...base, data: { ...base.data, split: { by: 'identity', heldOut: { test: ['ann'] } } } })).toEqual([]);
  });

  it('rejects what is not a spec at all', () => {
    expect(problems(null)).toEqual(['(spec): must be a JSON object, got null']);
    expect(problems([1])).toEqual(['(spec): must be a JSON object, got [1]']);
    expect(problems({ version: 0 })[0]).toBe('version: must be 1 or 2 (2 for new specs), got 0');
    // A newer spec's keys may be ones this build never heard of: the version is the one problem named.
    expect(problems({ ...example('shapes-demo.json'), version: 3, evaluation: { protocol: 'ijbc' } })).toEqual([
      'version: this spec is version 3, newer than this studio reads (1 or 2): update the studio to run it',
    ]);
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

/** Every key of every object the schema allows, with the discriminator values that reach it. */
interface KeyCase {
  path: string[];
  key: string;
  /** Union tags to set on the way: [object path, discriminator, value]. */
  tags: [string[], string, unknown][];
}

function keyCases(schema: z.ZodType, path: string[] = [], tags: KeyCase['tags'] = []): KeyCase[] {
  const s = unwrapSchema(schema) as z.ZodType & { def: { type: string; options?: z.ZodType[]; discriminator?: string }; shape?: Record<string, z.ZodType> };
  if (s.def.type === 'object' && s.shape) {
    const discriminator = tags.at(-1)?.[0].join('.') === path.join('.') ? tags.at(-1)?.[1] : undefined;
    return Object.entries(s.shape).flatMap(([key, child]) => [
      ...(key === discriminator ? [] : [{ path, key, tags }]),
      ...keyCases(child, [...path, key], tags),
    ]);
  }
  if (s.def.type === 'union' && s.def.options && s.def.discriminator) {
    const d = s.def.discriminator;
    return s.def.options.flatMap((option) => {
      const tag = ((unwrapSchema(option) as z.ZodObject).shape[d] as z.ZodLiteral).def.values[0];
      return keyCases(option, path, [...tags, [path, d, tag]]);
    });
  }
  return [];
}

/** A slip of the fingers: two middle letters swapped (`weigthDecay`), or a letter doubled where there is nothing to swap. */
function misspell(key: string): string {
  if (key.length < 2) return key + key;
  const i = Math.floor(key.length / 2);
  if (key[i - 1] === key[i]) return key.slice(0, i) + key[i - 1] + key.slice(i);
  return key.slice(0, i - 1) + key[i] + key[i - 1] + key.slice(i + 1);
}

function objectAt(root: Record<string, unknown>, path: string[]): Record<string, unknown> {
  let cur = root;
  for (const step of path) {
    const next = cur[step];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) cur[step] = {};
    cur = cur[step] as Record<string, unknown>;
  }
  return cur;
}

describe('strict specs: an unknown key is an error, never a silent default', () => {
  it('names the three typos that trained with defaults (issue 26), each with the key that was meant', () => {
    const demo = example('shapes-demo.json') as Record<string, Record<string, unknown>>;
    const typo = {
      ...demo,
      data: { ...demo.data, augmentaton: { flip: {} } },
      loss: { type: 'crossEntropy', labelSmothing: 0.1 },
      optimizer: { ...demo.optimizer, weigthDecay: 5e-4 },
    };
    expect(problems(typo)).toEqual([
      'data.augmentaton: unknown key, did you mean `augmentation`?',
      'loss.labelSmothing: unknown key, did you mean `labelSmoothing`?',
      'optimizer.weigthDecay: unknown key, did you mean `weightDecay`?',
    ]);
    expect(() => parseRunSpec(typo)).toThrow(/optimizer\.weigthDecay: unknown key, did you mean `weightDecay`\?/);
  });

  it('says which kind a key belongs to when it is valid for another kind, and lists the keys when nothing is close', () => {
    const demo = example('shapes-demo.json') as Record<string, Record<string, unknown>>;
    expect(problems({ ...demo, optimizer: { type: 'adam', lr: 0.001, momentum: 0.9 } })).toEqual([
      'optimizer.momentum: unknown key for type "adam"; `momentum` belongs to type "sgd"',
    ]);
    expect(problems({ ...demo, training: { ...demo.training, gpus: 2 } })).toEqual([
      'training.gpus: unknown key; valid keys here: `epochs`, `batchSize`, `gradientAccumulation`, `clipNorm`, `earlyStopping`, `checkpoint`, `seed`, `logEverySteps`',
    ]);
  });

  // Generated from the schema, so a key added later is covered without touching this test.
  const cases = keyCases(runSpecSchema);
  it('covers every object of the schema, unions included', () => {
    const keys = new Set(cases.map((c) => [...c.path, c.key].join('.')));
    for (const k of ['optimizer.weightDecay', 'loss.labelSmoothing', 'data.augmentation', 'data.augmentation.flip.p', 'schedule.finalDivFactor', 'training.earlyStopping.minDelta', 'model.initialWeights.naming', 'data.source.perClass']) {
      expect(keys.has(k), k).toBe(true);
    }
  });

  it.each(cases.map((c) => [[...c.path, c.key].join('.'), c] as const))('a misspelled %s is named with the key that was meant', (_, c) => {
    const spec = structuredClone(example('shapes-demo.json'));
    for (const [path, d, value] of c.tags) {
      const parent = objectAt(spec, path.slice(0, -1));
      const leaf = path.at(-1);
      const current = leaf === undefined ? spec : parent[leaf];
      if (leaf !== undefined && (current === null || typeof current !== 'object' || (current as Record<string, unknown>)[d] !== value)) parent[leaf] = { [d]: value };
    }
    const typo = misspell(c.key);
    expect(typo).not.toBe(c.key);
    objectAt(spec, c.path)[typo] = 1;
    expect(problems(spec)).toContain(`${[...c.path, typo].join('.')}: unknown key, did you mean \`${c.key}\`?`);
  });

  it('loads stored specs as they were: a version-1 run parses to itself, so its hash holds', () => {
    for (const run of ['resnet18', 'efficientnetB0']) {
      const stored = JSON.parse(readFileSync(`test/fixtures/legacy-runs/${run}/spec.json`, 'utf8')) as Record<string, unknown>;
      expect(stored.version).toBe(1);
      const spec = parseRunSpec(stored);
      expect(spec).toEqual(stored);
      expect(stableHash(spec)).toBe(stableHash(stored));
    }
    for (const file of readdirSync('examples').filter((f) => f.endsWith('.json'))) {
      const once = parseRunSpec(example(file));
      expect(parseRunSpec(once), file).toEqual(once);
    }
  });

  it('completes the sections of a draft that are valid on their own, while another has a problem', () => {
    const draft = { version: 2, data: { source: { kind: 'indexeddb', datasetId: '' }, imageSize: 32 }, model: { architecture: 'smallCnn', inputSize: 32 }, loss: { type: 'crossEntropy' }, optimizer: { type: 'adamw', lr: 0.01 } };
    expect(validateRunSpec(draft).ok).toBe(false);
    const d = sectionDefaults(draft);
    expect(d.data).toBeUndefined();
    expect(d.model).toMatchObject({ frozenLayers: 0, width: 1 });
    expect(d.loss).toMatchObject({ labelSmoothing: 0 });
    expect((d.optimizer as { weightDecay: number }).weightDecay).toBeGreaterThan(0);
    expect(sectionDefaults(null)).toEqual({});
  });
});
