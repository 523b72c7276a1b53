import { describe, expect, it } from 'vitest';
import type { ScheduleConfig } from '../../spec/runSpec.ts';
import { createSchedule } from './createSchedule.ts';

// reference: test/reference/optim_schedules.py, torch.optim.lr_scheduler (torch 1.13) —
// StepLR, MultiStepLR, ExponentialLR stepped per epoch; SequentialLR(LinearLR,
// CosineAnnealingLR), CosineAnnealingLR and OneCycleLR(cycle_momentum=False) per step;
// ReduceLROnPlateau fed REF.plateauMetrics. Base lr 0.1, 3 steps per epoch.
const REF = {
  step: [0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.0125],
  multiStep: [0.1, 0.1, 0.03, 0.03, 0.03, 0.009, 0.0026999999999999997, 0.0026999999999999997, 0.0026999999999999997],
  exponential: [0.1, 0.08000000000000002, 0.06400000000000002, 0.051200000000000016, 0.04096000000000002, 0.03276800000000001, 0.026214400000000013, 0.02097152000000001],
  cosineNoWarmup: [0.1, 0.09890738003669029, 0.09567727288213004, 0.09045084971874738, 0.08345653031794292, 0.07500000000000001, 0.06545084971874739, 0.05522642316338269, 0.04477357683661735, 0.03454915028125265, 0.02500000000000002, 0.01654346968205711, 0.009549150281252635, 0.004322727117869953, 0.001092619963309716],
  cosineWarmup: [0.010000000000000002, 0.04, 0.07, 0.1, 0.09891830623632339, 0.09572050015330874, 0.0905463412215599, 0.08362196501476347, 0.07525, 0.0657963412215599, 0.05567415893174885, 0.04532584106825117, 0.03520365877844011, 0.025750000000000012, 0.017378034985236535, 0.010453658778440105, 0.005279499846691251, 0.0020816937636766184],
  cosineWarmupFractional: [0.001, 0.025750000000000002, 0.0505, 0.07525, 0.1, 0.09797464868072488, 0.09206267664155907, 0.08274303669726427, 0.07077075065009433, 0.05711574191366426, 0.04288425808633575, 0.02922924934990569, 0.017256963302735753, 0.007937323358440947, 0.0020253513192751323],
  oneCycleCos: [0.020000000000000018, 0.03826891219729123, 0.09029437251522865, 0.16815597623237843, 0.26, 0.3518440237676215, 0.42970562748477137, 0.4817310878027088, 0.5, 0.49720771772545586, 0.4888932458737294, 0.47524231600673683, 0.4565598673402244, 0.4332632349055847, 0.40587282697488153, 0.3750005, 0.34133589075057447, 0.30563101096814466, 0.2686834486665125, 0.23131855133348753, 0.19437098903185537, 0.15866610924942562, 0.12500150000000004, 0.09412917302511849, 0.0667387650944153, 0.043442132659775645, 0.024759683993263143, 0.01110875412627059, 0.002794282274544094, 2e-06],
  oneCycleLinear: [0.04, 0.1247058823529412, 0.20941176470588238, 0.29411764705882354, 0.3788235294117647, 0.38097142857142857, 0.3556, 0.3302285714285714, 0.3048571428571429, 0.27948571428571434, 0.25411428571428574, 0.22874285714285716, 0.2033714285714286, 0.17800000000000002, 0.15262857142857145, 0.12725714285714285, 0.1018857142857143, 0.0765142857142857, 0.05114285714285716, 0.025771428571428556, 0.00040000000000001146],
  oneCycleThreePhase: [0.01200000000000001, 0.030094087275180204, 0.07982918251291743, 0.1487065196872254, 0.21941675782429934, 0.2741899355338478, 0.29926118256843287, 0.28832992487331316, 0.24414326148686338, 0.17780559996065898, 0.10598804359034576, 0.046738830332238065, 0.014947688459640777, 0.011905392929338812, 0.011338008751713886, 0.01030521303791176, 0.00889706354106283, 0.007236348125275344, 0.005467877905599584, 0.0037458600038638387, 0.002220450991215883, 0.0010246635307100595, 0.00026276793493143133, 1.2e-06],
  oneCycleThreePhaseLinear: [0.012, 0.0877894736842105, 0.16357894736842102, 0.23936842105263154, 0.28484210526315795, 0.20905263157894743, 0.13326315789473694, 0.05747368421052643, 0.011688342857142858, 0.0109092, 0.010130057142857144, 0.009350914285714287, 0.008571771428571429, 0.007792628571428572, 0.007013485714285715, 0.006234342857142858, 0.0054552, 0.004676057142857143, 0.003896914285714285, 0.0031177714285714284, 0.0023386285714285717, 0.001559485714285715, 0.0007803428571428565, 1.1999999999998123e-06],
  plateauMetrics: [1.0, 0.9, 0.95, 0.9, 0.91, 0.92, 0.93, 0.8, 0.8, 0.80001, 0.85, 0.86, 0.87, 0.88, 0.89, 0.9, 0.91, 0.92],
  plateauMin: [0.1, 0.1, 0.1, 0.05, 0.05, 0.025, 0.025, 0.025, 0.025, 0.0125, 0.0125, 0.00625, 0.00625, 0.003125, 0.003125, 0.0015625, 0.0015625, 0.00078125],
  plateauMinCooldown: [0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02, 0.02],
  plateauMax: [0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.010000000000000002, 0.010000000000000002, 0.010000000000000002, 0.010000000000000002, 0.010000000000000002, 0.010000000000000002, 0.0010000000000000002, 0.0010000000000000002, 0.0010000000000000002, 0.0010000000000000002, 0.00010000000000000003, 0.00010000000000000003],
};

const BASE = 0.1;
const SPE = 3;

function expectClose(actual: number[], expected: number[]): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, i) => {
    const tol = 1e-12 + 1e-9 * Math.abs(expected[i]);
    if (Math.abs(a - expected[i]) > tol) throw new Error(`index ${i}: got ${a}, expected ${expected[i]}`);
  });
}

function perStep(config: ScheduleConfig, epochs: number, baseLr: number | undefined = BASE): number[] {
  const schedule = createSchedule(config, { stepsPerEpoch: SPE, epochs, baseLr });
  expect(schedule.totalSteps).toBe(epochs * SPE);
  return Array.from({ length: schedule.totalSteps }, (_, s) => schedule(s));
}

/** Per-epoch references spread over the steps of each epoch. */
const spread = (perEpoch: number[]): number[] => perEpoch.flatMap((v) => Array<number>(SPE).fill(v));

describe('createSchedule against torch.optim.lr_scheduler', () => {
  it('constant', () => {
    expect(perStep({ type: 'constant' }, 4)).toEqual(Array<number>(12).fill(BASE));
  });

  it('step (StepLR per epoch)', () => {
    expectClose(perStep({ type: 'step', stepSize: 3, gamma: 0.5 }, 10), spread(REF.step));
  });

  it('multiStep (MultiStepLR per epoch)', () => {
    expectClose(perStep({ type: 'multiStep', milestones: [2, 5, 6], gamma: 0.3 }, 9), spread(REF.multiStep));
  });

  it('exponential (ExponentialLR per epoch)', () => {
    expectClose(perStep({ type: 'exponential', gamma: 0.8 }, 8), spread(REF.exponential));
  });

  it('cosine without warmup (CosineAnnealingLR per step)', () => {
    expectClose(perStep({ type: 'cosine', warmupEpochs: 0, warmupStartFactor: 0.01, minLr: 0 }, 5), REF.cosineNoWarmup);
  });

  it('cosine with warmup (SequentialLR of LinearLR and CosineAnnealingLR)', () => {
    expectClose(perStep({ type: 'cosine', warmupEpochs: 1, warmupStartFactor: 0.1, minLr: 0.001 }, 6), REF.cosineWarmup);
    expectClose(perStep({ type: 'cosine', warmupEpochs: 1.4, warmupStartFactor: 0.01, minLr: 0 }, 5), REF.cosineWarmupFractional);
  });

  it('oneCycle (OneCycleLR), both anneal strategies, two and three phases', () => {
    const base = { divFactor: 25, finalDivFactor: 1e4, threePhase: false, annealStrategy: 'cos', pctStart: 0.3 } as const;
    expectClose(perStep({ type: 'oneCycle', ...base, maxLr: 0.5 }, 10), REF.oneCycleCos);
    expectClose(
      perStep(
        { type: 'oneCycle', maxLr: 0.4, pctStart: 0.25, annealStrategy: 'linear', divFactor: 10, finalDivFactor: 100, threePhase: false },
        7,
      ),
      REF.oneCycleLinear,
    );
    expectClose(perStep({ type: 'oneCycle', ...base, maxLr: 0.3, threePhase: true }, 8), REF.oneCycleThreePhase);
    expectClose(
      perStep({ type: 'oneCycle', ...base, maxLr: 0.3, pctStart: 0.2, annealStrategy: 'linear', threePhase: true }, 8),
      REF.oneCycleThreePhaseLinear,
    );
  });

  it('reduceOnPlateau (ReduceLROnPlateau) in min and max modes, with cooldown and minLr', () => {
    const run = (config: ScheduleConfig, metrics: number[]): number[] => {
      const schedule = createSchedule(config, { stepsPerEpoch: SPE, epochs: metrics.length, baseLr: BASE });
      return metrics.map((m, epoch) => {
        schedule.onEpochEnd!(epoch, { val_loss: m, val_acc: -m });
        return schedule(epoch * SPE);
      });
    };
    const plateau = { type: 'reduceOnPlateau', monitor: 'val_loss', mode: 'min' } as const;
    expectClose(
      run({ ...plateau, factor: 0.5, patience: 1, threshold: 1e-4, cooldown: 0, minLr: 0 }, REF.plateauMetrics),
      REF.plateauMin,
    );
    expectClose(
      run({ ...plateau, factor: 0.5, patience: 0, threshold: 0.01, cooldown: 2, minLr: 0.02 }, REF.plateauMetrics),
      REF.plateauMinCooldown,
    );
    expectClose(
      run({ ...plateau, monitor: 'val_acc', mode: 'max', factor: 0.1, patience: 2, threshold: 1e-4, cooldown: 1, minLr: 1e-4 }, REF.plateauMetrics),
      REF.plateauMax,
    );
  });
});

describe('schedule properties', () => {
  const configs: ScheduleConfig[] = [
    { type: 'constant' },
    { type: 'step', stepSize: 2, gamma: 0.1 },
    { type: 'multiStep', milestones: [1, 3], gamma: 0.5 },
    { type: 'exponential', gamma: 0.9 },
    { type: 'cosine', warmupEpochs: 1, warmupStartFactor: 0.01, minLr: 0 },
    { type: 'oneCycle', maxLr: 1, pctStart: 0.3, annealStrategy: 'cos', divFactor: 25, finalDivFactor: 1e4, threePhase: false },
    { type: 'reduceOnPlateau', monitor: 'val_loss', mode: 'min', factor: 0.1, patience: 1, threshold: 1e-4, cooldown: 0, minLr: 0 },
  ];

  it('is pure: the same step gives the same value in any call order', () => {
    for (const config of configs) {
      const schedule = createSchedule(config, { stepsPerEpoch: 4, epochs: 5, baseLr: 0.2 });
      const forward = Array.from({ length: 20 }, (_, s) => schedule(s));
      const backward = Array.from({ length: 20 }, (_, s) => schedule(19 - s)).reverse();
      expect(backward, config.type).toEqual(forward);
      expect(schedule.config).toBe(config);
    }
  });

  it('returns multipliers of the optimizer lr when baseLr is omitted', () => {
    for (const config of configs.filter((c) => c.type !== 'oneCycle')) {
      const withBase = createSchedule(config, { stepsPerEpoch: 4, epochs: 5, baseLr: 0.2 });
      const multiplier = createSchedule(config, { stepsPerEpoch: 4, epochs: 5 });
      for (let s = 0; s < 20; s++) expect(0.2 * multiplier(s), `${config.type} step ${s}`).toBeCloseTo(withBase(s), 12);
    }
  });

  it('keeps the final lr past the planned run (cosine, oneCycle)', () => {
    const cosine = createSchedule(configs[4], { stepsPerEpoch: 4, epochs: 5, baseLr: 0.2 });
    expect(cosine(20)).toBeCloseTo(0, 12);
    expect(cosine(35)).toBeCloseTo(0, 12);
    const oneCycle = createSchedule(configs[5], { stepsPerEpoch: 4, epochs: 5 });
    expect(oneCycle(100)).toBe(oneCycle(19));
  });

  it('rejects a bad context or step', () => {
    expect(() => createSchedule({ type: 'constant' }, { stepsPerEpoch: 0, epochs: 1 })).toThrow(/stepsPerEpoch/);
    expect(() => createSchedule({ type: 'constant' }, { stepsPerEpoch: 1, epochs: 1.5 })).toThrow(/epochs/);
    const schedule = createSchedule({ type: 'constant' }, { stepsPerEpoch: 1, epochs: 1 });
    expect(() => schedule(-1)).toThrow(/step/);
  });
});
