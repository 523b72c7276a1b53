import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import type { OptimizerConfig } from '../spec/runSpec.ts';
import { createOptimizer } from './createOptimizer.ts';
import { isNoDecayParam } from './isNoDecayParam.ts';
import type { Optimizer } from './optimizer.ts';

// Inputs copied verbatim from test/reference/optim_optimizers.py.
const W0 = [
  [0.5, -0.3, 0.8],
  [-1.2, 0.05, 0.7],
];
const B0 = [0.1, -0.2, 0.3];
const GRADS: [number[][], number[]][] = [
  [[[0.2, -0.1, 0.4], [0.3, -0.5, 0.05]], [0.1, 0.2, -0.3]],
  [[[-0.4, 0.25, 0.1], [0.6, 0.2, -0.1]], [-0.05, 0.4, 0.2]],
  [[[0.05, -0.3, -0.2], [0.1, 0.15, 0.3]], [0.3, -0.1, 0.05]],
  [[[0.3, 0.1, -0.6], [-0.2, 0.4, 0.25]], [0.02, -0.25, 0.15]],
];
const SGD_LRS = [0.1, 0.05, 0.2, 0.01];
const ADAM_LRS = [0.01, 0.005, 0.02, 0.001];

// reference: test/reference/optim_optimizers.py — torch.optim.SGD, Adam and AdamW (torch 1.13):
// [flattened weight, bias] after each of the four steps.
const REF: Record<string, [number[], number[]][]> = {
  sgdPlain: [
    [[0.479999989, -0.290000021, 0.75999999, -1.23000002, 0.100000001, 0.694999993], [0.0900000036, -0.219999999, 0.330000013]],
    [[0.5, -0.30250001, 0.754999995, -1.25999999, 0.0900000036, 0.699999988], [0.0925000012, -0.239999995, 0.320000023]],
    [[0.49000001, -0.242500007, 0.795000017, -1.27999997, 0.0600000024, 0.639999986], [0.0324999988, -0.219999999, 0.310000032]],
    [[0.487000018, -0.243500009, 0.800999999, -1.278, 0.0560000017, 0.637499988], [0.0322999991, -0.217500001, 0.308500022]],
  ],
  sgdMomentumDecay: [
    [[0.479499996, -0.289700001, 0.759200037, -1.22880006, 0.0999500006, 0.694299996], [0.0899000019, -0.21980001, 0.329700023]],
    [[0.490035236, -0.297420144, 0.73546046, -1.2711457, 0.112377524, 0.696387827], [0.0878100544, -0.24860011, 0.332900167]],
    [[0.516982079, -0.264617831, 0.688526988, -1.44104755, 0.126891851, 0.642511308], [0.020110609, -0.331783265, 0.333754897]],
    [[0.515142977, -0.264115274, 0.692346156, -1.44654906, 0.12353231, 0.637522638], [0.0168621223, -0.332993329, 0.332259983]],
  ],
  sgdNesterovNoDecay: [
    [[0.459499985, -0.279300004, 0.720799983, -1.24320006, 0.13955, 0.684700012], [0.0820000023, -0.236000001, 0.354000002]],
    [[0.486232251, -0.296863168, 0.694476366, -1.29928565, 0.136842027, 0.687898874], [0.0833000019, -0.278400004, 0.345600009]],
    [[0.484699279, -0.201956108, 0.691506684, -1.40531802, 0.104829751, 0.567230582], [-0.0285399966, -0.31408, 0.332720011]],
    [[0.479396224, -0.202296808, 0.700243354, -1.4044143, 0.0975096524, 0.560068488], [-0.0309735965, -0.311807185, 0.329904824]],
  ],
  adamDecay: [
    [[0.49000001, -0.290000021, 0.790000021, -1.21000004, 0.0600000024, 0.689999998], [0.0900000036, -0.210000008, 0.310000002]],
    [[0.491760582, -0.292146087, 0.785809457, -1.2148149, 0.0617215447, 0.691424906], [0.0886145681, -0.214823365, 0.310664117]],
    [[0.495597899, -0.286962956, 0.779317081, -1.23127055, 0.0634016022, 0.680862129], [0.0751467869, -0.226494387, 0.310828418]],
    [[0.495400816, -0.286892414, 0.779611051, -1.23173416, 0.0631186515, 0.680162549], [0.0745588467, -0.22663103, 0.310608894]],
  ],
  adamNoDecay: [
    [[0.490000039, -0.290000081, 0.790000021, -1.21000004, 0.05999998, 0.690000057], [0.0900001004, -0.209999949, 0.309999973]],
    [[0.491370827, -0.291781604, 0.785640359, -1.2147373, 0.0614048466, 0.687916338], [0.088937819, -0.214881629, 0.310437948]],
    [[0.492071331, -0.283872098, 0.776588559, -1.2280041, 0.0612976328, 0.672871292], [0.074852176, -0.225705639, 0.309723735]],
    [[0.49167335, -0.283685327, 0.776824594, -1.2280699, 0.0608932674, 0.672005951], [0.0742664486, -0.225742653, 0.309435129]],
  ],
  adamw: [
    [[0.489500046, -0.289700121, 0.789200008, -1.20880008, 0.0599499792, 0.689300179], [0.0899000987, -0.209799945, 0.309699982]],
    [[0.491360277, -0.29203096, 0.784794867, -1.21310735, 0.0613816194, 0.691060483], [0.0887994766, -0.214606732, 0.309981376]],
    [[0.494861782, -0.285685271, 0.778999805, -1.2268554, 0.0615137555, 0.678551316], [0.0743104964, -0.224966615, 0.30865705]],
    [[0.494578749, -0.285605818, 0.779361486, -1.22713387, 0.0611206517, 0.677733183], [0.0737142116, -0.224980995, 0.308342159]],
  ],
  adamwNoDecay: [
    [[0.487500012, -0.288500011, 0.786000013, -1.204, 0.0597499982, 0.686500013], [0.0900000036, -0.210000008, 0.310000002]],
    [[0.488111794, -0.289989829, 0.779882014, -1.20581591, 0.0613286495, 0.686614275], [0.0886683166, -0.214825913, 0.310722619]],
    [[0.487435132, -0.282144427, 0.766112208, -1.21040118, 0.0624309592, 0.669750869], [0.0752583072, -0.226598054, 0.31117928]],
    [[0.487012058, -0.281946778, 0.766042888, -1.21028519, 0.062118385, 0.668735504], [0.0746738911, -0.22674267, 0.310974896]],
  ],
  adamwBackbone: [
    [[0.498950005, -0.298970014, 0.798920035, -1.20088005, 0.0509949997, 0.698929965], [0.0899000987, -0.209799945, 0.309699982]],
    [[0.499135554, -0.299202621, 0.798479021, -1.20131111, 0.0511386096, 0.699105561], [0.0887994766, -0.214606732, 0.309981376]],
    [[0.499484152, -0.29856661, 0.797896802, -1.20268834, 0.0511538722, 0.697853088], [0.0743104964, -0.224966615, 0.30865705]],
    [[0.49945578, -0.298558533, 0.797932744, -1.20271635, 0.0511146635, 0.697771072], [0.0737142116, -0.224980995, 0.308342159]],
  ],
  sgdMomentumBackbone: [
    [[0.497949988, -0.298970014, 0.795920014, -1.20288002, 0.0549950004, 0.699429989], [0.0899000019, -0.21980001, 0.329700023]],
    [[0.499002576, -0.299741566, 0.793544233, -1.20711589, 0.0562399998, 0.699638546], [0.0878100544, -0.24860011, 0.332900167]],
    [[0.501692116, -0.296459198, 0.788832664, -1.2241236, 0.0577107519, 0.694249332], [0.020110609, -0.331783265, 0.333754897]],
    [[0.501508117, -0.296408534, 0.789212763, -1.22467673, 0.0573763587, 0.693749845], [0.0168621223, -0.332993329, 0.332259983]],
  ],
  adamwJoinsLate: [
    [[0.5, -0.300000012, 0.800000012, -1.20000005, 0.0500000007, 0.699999988], [0.0899000987, -0.209799945, 0.309699982]],
    [[0.5, -0.300000012, 0.800000012, -1.20000005, 0.0500000007, 0.699999988], [0.0887994766, -0.214606732, 0.309981376]],
    [[0.497900039, -0.297940016, 0.801840007, -1.20176005, 0.0479900166, 0.697860062], [0.0743104964, -0.224966615, 0.30865705]],
    [[0.497807443, -0.297902197, 0.801926196, -1.20170593, 0.047894083, 0.697754443], [0.0737142116, -0.224980995, 0.308342159]],
  ],
  adamJoinsLate: [
    [[0.5, -0.300000012, 0.800000012, -1.20000005, 0.0500000007, 0.699999988], [0.0900000036, -0.210000008, 0.310000002]],
    [[0.5, -0.300000012, 0.800000012, -1.20000005, 0.0500000007, 0.699999988], [0.0886145681, -0.214823365, 0.310664117]],
    [[0.497999996, -0.298000008, 0.801999986, -1.20200002, 0.0480000004, 0.698000014], [0.0751467869, -0.226494387, 0.310828418]],
    [[0.497914881, -0.29795891, 0.80209142, -1.20195699, 0.0479067788, 0.697900891], [0.0745588467, -0.22663103, 0.310608894]],
  ],
  sgdMomentumJoinsLate: [
    [[0.5, -0.300000012, 0.800000012, -1.20000005, 0.0500000007, 0.699999988], [0.0899000019, -0.21980001, 0.329700023]],
    [[0.5, -0.300000012, 0.800000012, -1.20000005, 0.0500000007, 0.699999988], [0.0878100544, -0.24860011, 0.332900167]],
    [[0.498899996, -0.293940008, 0.803840041, -1.20176005, 0.0469899997, 0.693859994], [0.020110609, -0.331783265, 0.333754897]],
    [[0.498545498, -0.293764383, 0.804604828, -1.20162725, 0.0464540794, 0.693326771], [0.0168621223, -0.332993329, 0.332259983]],
  ],
};

const CASES: { name: string; config: OptimizerConfig; lrs: number[]; lrScale?: number[] }[] = [
  { name: 'sgdPlain', lrs: SGD_LRS, config: { type: 'sgd', lr: 0.1, momentum: 0, nesterov: false, weightDecay: 0, noDecayOnBiasAndNorm: false } },
  {
    name: 'sgdMomentumDecay',
    lrs: SGD_LRS,
    config: { type: 'sgd', lr: 0.1, momentum: 0.9, nesterov: false, weightDecay: 0.01, noDecayOnBiasAndNorm: false },
  },
  {
    name: 'sgdNesterovNoDecay',
    lrs: SGD_LRS,
    config: { type: 'sgd', lr: 0.1, momentum: 0.8, nesterov: true, weightDecay: 0.05, noDecayOnBiasAndNorm: true },
  },
  {
    name: 'adamDecay',
    lrs: ADAM_LRS,
    config: { type: 'adam', lr: 0.01, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0.01, noDecayOnBiasAndNorm: false },
  },
  {
    name: 'adamNoDecay',
    lrs: ADAM_LRS,
    config: { type: 'adam', lr: 0.01, betas: [0.8, 0.95], eps: 1e-6, weightDecay: 0.1, noDecayOnBiasAndNorm: true },
  },
  {
    name: 'adamw',
    lrs: ADAM_LRS,
    config: { type: 'adamw', lr: 0.01, betas: [0.8, 0.99], eps: 1e-6, weightDecay: 0.1, noDecayOnBiasAndNorm: false },
  },
  {
    name: 'adamwNoDecay',
    lrs: ADAM_LRS,
    config: { type: 'adamw', lr: 0.01, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0.5, noDecayOnBiasAndNorm: true },
  },
  // The weight as a backbone at backboneLrFactor 0.1: torch's parameter group at a tenth of the lr.
  {
    name: 'adamwBackbone',
    lrs: ADAM_LRS,
    lrScale: [0.1, 1],
    config: { type: 'adamw', lr: 0.01, betas: [0.8, 0.99], eps: 1e-6, weightDecay: 0.1, noDecayOnBiasAndNorm: false },
  },
  {
    name: 'sgdMomentumBackbone',
    lrs: SGD_LRS,
    lrScale: [0.1, 1],
    config: { type: 'sgd', lr: 0.1, momentum: 0.9, nesterov: false, weightDecay: 0.01, noDecayOnBiasAndNorm: false },
  },
];

const made: { dispose(): void }[] = [];
afterEach(() => {
  for (const m of made.splice(0)) m.dispose();
});

function setup(config: OptimizerConfig, lrScale?: number[]): { w: tf.Variable; b: tf.Variable; opt: Optimizer } {
  const w = tf.tidy(() => tf.variable(tf.tensor2d(W0)));
  const b = tf.tidy(() => tf.variable(tf.tensor1d(B0)));
  const opt = createOptimizer(config, [w, b], lrScale);
  made.push(w, b, opt);
  return { w, b, opt };
}

function applyStep(opt: Optimizer, t: number, lr: number): void {
  const grads = [tf.tensor2d(GRADS[t][0]), tf.tensor1d(GRADS[t][1])];
  opt.step(grads, lr);
  tf.dispose(grads);
}

function expectClose(actual: ArrayLike<number>, expected: number[], what: string): void {
  expect(actual.length, what).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const tol = 1e-6 + 1e-5 * Math.abs(expected[i]);
    if (Math.abs(actual[i] - expected[i]) > tol) throw new Error(`${what}[${i}]: got ${actual[i]}, expected ${expected[i]}`);
  }
}

describe('createOptimizer against torch.optim', () => {
  for (const { name, config, lrs, lrScale } of CASES) {
    it(`${name} matches four torch steps with a varying lr`, () => {
      const { w, b, opt } = setup(config, lrScale);
      lrs.forEach((lr, t) => {
        applyStep(opt, t, lr);
        expectClose(w.dataSync(), REF[name][t][0], `${name} step ${t} weight`);
        expectClose(b.dataSync(), REF[name][t][1], `${name} step ${t} bias`);
      });
      expect(opt.iterations).toBe(4);
    });
  }

  it('leaks no tensor per step', () => {
    for (const { config, lrs } of CASES) {
      const { opt } = setup(config);
      applyStep(opt, 0, lrs[0]);
      const before = tf.memory().numTensors;
      for (let t = 1; t < 4; t++) applyStep(opt, t, lrs[t]);
      expect(tf.memory().numTensors, config.type).toBe(before);
    }
  });

  it('frees its slots on dispose', () => {
    const w = tf.tidy(() => tf.variable(tf.tensor2d(W0)));
    const grad = tf.onesLike(w);
    const before = tf.memory().numTensors;
    const opt = createOptimizer(CASES[3].config, [w]);
    opt.step([grad], 0.1);
    expect(tf.memory().numTensors).toBe(before + 2);
    opt.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([w, grad]);
  });
});

// The weight frozen for the first JOINS_AT steps, then unfrozen as a backbone at 0.1 × lr
// (model.unfreezeAfterEpochs): torch keeps no state for a parameter without a gradient, so
// its Adam bias correction counts from its own first step.
const JOINS_AT = 2;
const LATE: { name: string; config: OptimizerConfig; lrs: number[] }[] = [
  { name: 'adamwJoinsLate', lrs: ADAM_LRS, config: CASES[7].config },
  { name: 'adamJoinsLate', lrs: ADAM_LRS, config: CASES[3].config },
  { name: 'sgdMomentumJoinsLate', lrs: SGD_LRS, config: CASES[1].config },
];

describe('variables that join mid-run', () => {
  for (const { name, config, lrs } of LATE) {
    it(`${name} matches torch, where the weight has no gradient for ${JOINS_AT} steps`, () => {
      const w = tf.tidy(() => tf.variable(tf.tensor2d(W0)));
      const b = tf.tidy(() => tf.variable(tf.tensor1d(B0)));
      const opt = createOptimizer(config, [b]);
      made.push(w, b, opt);
      lrs.forEach((lr, t) => {
        if (t === JOINS_AT) opt.addVariables([w], [0.1]);
        const grads = t < JOINS_AT ? [tf.tensor1d(GRADS[t][1])] : [tf.tensor1d(GRADS[t][1]), tf.tensor2d(GRADS[t][0])];
        opt.step(grads, lr);
        tf.dispose(grads);
        expectClose(w.dataSync(), REF[name][t][0], `${name} step ${t} weight`);
        expectClose(b.dataSync(), REF[name][t][1], `${name} step ${t} bias`);
      });
    });
  }

  it('saves when each variable joined, and a resumed optimizer continues exactly', async () => {
    const { config, lrs } = LATE[0];
    const run = (opt: Optimizer, from: number, to: number) => {
      for (let t = from; t < to; t++) {
        const grads = t < JOINS_AT ? [tf.tensor1d(GRADS[t][1])] : [tf.tensor1d(GRADS[t][1]), tf.tensor2d(GRADS[t][0])];
        opt.step(grads, lrs[t]);
        tf.dispose(grads);
      }
    };
    const make = () => {
      const w = tf.tidy(() => tf.variable(tf.tensor2d(W0)));
      const b = tf.tidy(() => tf.variable(tf.tensor1d(B0)));
      const opt = createOptimizer(config, [b]);
      made.push(w, b, opt);
      return { w, b, opt };
    };
    const first = make();
    run(first.opt, 0, JOINS_AT);
    first.opt.addVariables([first.w], [0.1]);
    run(first.opt, JOINS_AT, 3);
    const state = await first.opt.getState();
    expect(state.joined).toEqual([0, JOINS_AT]);

    const second = make();
    second.opt.addVariables([second.w], [0.1]);
    second.w.assign(first.w);
    second.b.assign(first.b);
    second.opt.setState(state);
    run(second.opt, 3, 4);
    expectClose(second.w.dataSync(), REF.adamwJoinsLate[3][0], 'resumed weight');
    expectClose(second.b.dataSync(), REF.adamwJoinsLate[3][1], 'resumed bias');
  });

  it('refuses a variable it already optimizes, and joined counts that do not fit', async () => {
    const { opt, w } = setup(CASES[7].config);
    expect(() => opt.addVariables([w])).toThrow(/already optimized/);
    const state = await opt.getState();
    expect(state.joined).toBeUndefined();
    expect(() => opt.setState({ ...state, joined: [0] })).toThrow(/joined counts \[0\] do not fit 2 variables/);
    expect(() => opt.setState({ ...state, joined: [0, 5] })).toThrow(/do not fit 2 variables and 0 updates/);
  });
});

describe('optimizer state', () => {
  for (const index of [1, 2, 5]) {
    const { name, config, lrs } = CASES[index];
    it(`${name}: resuming from saved state continues exactly as an uninterrupted run`, async () => {
      const straight = setup(config);
      lrs.forEach((lr, t) => applyStep(straight.opt, t, lr));

      const first = setup(config);
      applyStep(first.opt, 0, lrs[0]);
      applyStep(first.opt, 1, lrs[1]);
      const state = await first.opt.getState();
      expect(state.type).toBe(config.type);
      expect(state.iterations).toBe(2);
      expect(state.slots.every((s) => s.tensors.length === 2)).toBe(true);

      const resumed = setup(config);
      resumed.w.assign(first.w);
      resumed.b.assign(first.b);
      resumed.opt.setState(state);
      expect(resumed.opt.iterations).toBe(2);
      applyStep(resumed.opt, 2, lrs[2]);
      applyStep(resumed.opt, 3, lrs[3]);
      expect(Array.from(resumed.w.dataSync())).toEqual(Array.from(straight.w.dataSync()));
      expect(Array.from(resumed.b.dataSync())).toEqual(Array.from(straight.b.dataSync()));
    });
  }

  it('saves zero slots before the first step and names them', async () => {
    const { opt } = setup(CASES[3].config);
    const state = await opt.getState();
    expect(state.slots.map((s) => s.name)).toEqual(['exp_avg', 'exp_avg_sq']);
    expect(state.slots[0].tensors.map((t) => t.shape)).toEqual([[2, 3], [3]]);
    expect(Array.from(state.slots[1].tensors[0].data)).toEqual([0, 0, 0, 0, 0, 0]);
    expect((await setup(CASES[0].config).opt.getState()).slots).toEqual([]);
  });

  it('rejects a state of another type or shape, changing nothing', async () => {
    const adam = setup(CASES[3].config);
    applyStep(adam.opt, 0, 0.01);
    const state = await adam.opt.getState();
    const other = setup(CASES[5].config);
    expect(() => other.opt.setState(state)).toThrow(/adam/);
    const bad = { ...state, slots: state.slots.map((s) => ({ ...s, tensors: s.tensors.slice(0, 1) })) };
    expect(() => adam.opt.setState({ ...bad, iterations: 7 })).toThrow(/tensors/);
    expect(adam.opt.iterations).toBe(1);
  });
});

describe('step arguments', () => {
  it('works when created and stepped inside a caller\'s tf.tidy', () => {
    const straight = setup(CASES[3].config);
    applyStep(straight.opt, 0, 0.01);
    applyStep(straight.opt, 1, 0.01);
    const w = tf.tidy(() => tf.variable(tf.tensor2d(W0)));
    const b = tf.tidy(() => tf.variable(tf.tensor1d(B0)));
    let opt: Optimizer | undefined;
    tf.tidy(() => {
      opt = createOptimizer(CASES[3].config, [w, b]);
      opt.step([tf.tensor2d(GRADS[0][0]), tf.tensor1d(GRADS[0][1])], 0.01);
    });
    if (!opt) throw new Error('unreachable');
    made.push(w, b, opt);
    applyStep(opt, 1, 0.01);
    expect(Array.from(w.dataSync())).toEqual(Array.from(straight.w.dataSync()));
  });

  it('rejects a gradient list or shape that does not match the variables', () => {
    const { opt } = setup(CASES[0].config);
    const g = tf.zeros([2, 3]);
    expect(() => opt.step([g], 0.1)).toThrow(/2 variables/);
    expect(() => opt.step([g, g], 0.1)).toThrow(/shape/);
    expect(() => opt.step([g, g], Number.NaN)).toThrow(/lr/);
    g.dispose();
  });
});

describe('isNoDecayParam', () => {
  it('exempts rank <= 1 variables (biases, norm gammas/betas)', () => {
    const vars = tf.tidy(() => [[3], [], [2, 3], [3, 3, 1, 2]].map((shape) => tf.variable(tf.zeros(shape))));
    expect(vars.map(isNoDecayParam)).toEqual([true, true, false, false]);
    tf.dispose(vars);
  });
});
