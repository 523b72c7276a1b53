import { memo, useMemo } from 'react';
import { BACKBONE_BLOCKS } from '../../../core/models/backboneBlocks.ts';
import { architectures, sectionDefaults, validateRunSpec, type Architecture, type RunSpecInput, type SpecProblem } from '../../../core/spec/runSpec.ts';
import { InitialWeightsField } from './InitialWeightsField.tsx';
import { NumberField, SelectField, TextField, ToggleField, type FieldContext } from './SpecFields.tsx';
import { getAt, setAt } from './specPath.ts';

interface RunFormProps {
  spec: RunSpecInput;
  problems: readonly SpecProblem[];
  onChange(spec: RunSpecInput): void;
  /** Why the draft's initial weights do not load (InitialWeightsField's check), for Start to wait on. */
  onWeightsProblem?(problem: string | undefined): void;
}

/** What a section becomes when its type changes: the new type's required fields, with usable values. */
function scheduleTemplate(type: string, lr: number): unknown {
  switch (type) {
    case 'step':
      return { type, stepSize: 10, gamma: 0.1 };
    case 'multiStep':
      return { type, milestones: [30, 60], gamma: 0.1 };
    case 'exponential':
      return { type, gamma: 0.95 };
    case 'cosine':
      return { type, warmupEpochs: 0 };
    case 'oneCycle':
      return { type, maxLr: lr };
    case 'reduceOnPlateau':
      return { type, patience: 5 };
    default:
      return { type };
  }
}

const parseList = (text: string): number[] =>
  text
    .split(/[\s,]+/)
    .filter(Boolean)
    .map(Number);
const formatList = (value: unknown): string => (Array.isArray(value) ? value.join(', ') : '');

/** The main RunSpec fields as a form; every other field stays as the JSON editor left it. */
export const RunForm = memo(function RunForm({ spec, problems, onChange, onWeightsProblem }: RunFormProps) {
  const defaults = useMemo(() => {
    const result = validateRunSpec(spec);
    return result.ok ? result.spec : sectionDefaults(spec);
  }, [spec]);
  const ctx: FieldContext = { spec, problems, defaults, set: (path, value) => onChange(setAt(spec, path, value)) };
  const lr = Number(getAt(spec, 'optimizer.lr')) || 0.001;
  const optimizerType = getAt(spec, 'optimizer.type');
  const scheduleType = getAt(spec, 'schedule.type') ?? 'constant';
  const lossType = getAt(spec, 'loss.type');
  const taskKind = getAt(spec, 'task.kind');
  const architecture = getAt(spec, 'model.architecture');
  const blocks = (architectures as readonly unknown[]).includes(architecture) ? BACKBONE_BLOCKS[architecture as Architecture] : undefined;

  return (
    <form className="run-form" aria-label="Run settings" onSubmit={(e) => e.preventDefault()}>
      <fieldset>
        <legend>Run</legend>
        <TextField ctx={ctx} path="name" label="Name" />
      </fieldset>

      <fieldset>
        <legend>Model</legend>
        <SelectField ctx={ctx} path="model.architecture" label="Architecture" options={architectures} />
        <NumberField ctx={ctx} path="model.width" label="Width multiplier" />
        <NumberField
          ctx={ctx}
          path="model.inputSize"
          label="Input size (px)"
          step={1}
          alsoShows={['data.imageSize']}
          // The model's input and the data's resolution must agree, so one field sets both.
          onValue={(v) => onChange(setAt(setAt(spec, 'model.inputSize', v), 'data.imageSize', v))}
        />
        <NumberField
          ctx={ctx}
          path="model.frozenLayers"
          label="Frozen blocks"
          step={1}
          min={0}
          {...(blocks ? { max: blocks.count, hint: `0–${blocks.count}: ${blocks.what}; ${blocks.count} freezes the whole backbone (with no augmentation its features are computed once)` } : {})}
        />
        {Number(getAt(spec, 'model.frozenLayers') ?? 0) > 0 && (
          <NumberField
            ctx={ctx}
            path="model.unfreezeAfterEpochs"
            label="Unfreeze after (epochs)"
            step={1}
            min={1}
            hint="Empty: the frozen blocks stay frozen. N: the head trains N epochs on the frozen backbone, then the whole network trains (fastai's fine_tune), the backbone at its lr factor"
          />
        )}
        <InitialWeightsField spec={spec} onChange={onChange} {...(onWeightsProblem ? { onProblem: onWeightsProblem } : {})} />
      </fieldset>

      <fieldset>
        <legend>Task and loss</legend>
        <SelectField ctx={ctx} path="task.kind" label="Task" options={['classification', 'embedding', 'detection']} onValue={(kind) => ctx.set('task', { kind })} />
        <SelectField
          ctx={ctx}
          path="loss.type"
          label="Loss"
          options={['crossEntropy', 'arcface', 'cosface', 'cdml', 'multiTask']}
          onValue={(type) => ctx.set('loss', { type })}
        />
        {(lossType === 'crossEntropy' || lossType === 'multiTask') && <NumberField ctx={ctx} path="loss.labelSmoothing" label="Label smoothing" />}
        {taskKind === 'embedding' && <NumberField ctx={ctx} path="model.embeddingSize" label="Embedding size" step={1} />}
      </fieldset>

      <fieldset>
        <legend>Optimizer</legend>
        <SelectField
          ctx={ctx}
          path="optimizer.type"
          label="Optimizer"
          options={['sgd', 'adam', 'adamw']}
          onValue={(type) => ctx.set('optimizer', { type, lr, ...(getAt(spec, 'optimizer.weightDecay') !== undefined ? { weightDecay: getAt(spec, 'optimizer.weightDecay') } : {}) })}
        />
        <NumberField ctx={ctx} path="optimizer.lr" label="Learning rate" />
        <NumberField ctx={ctx} path="optimizer.weightDecay" label="Weight decay" />
        {optimizerType === 'sgd' && <NumberField ctx={ctx} path="optimizer.momentum" label="Momentum" />}
        <NumberField
          ctx={ctx}
          path="optimizer.backboneLrFactor"
          label="Backbone lr factor"
          min={0}
          max={1}
          hint="The backbone learns at lr × this (e.g. 0.1 to fine-tune pretrained weights gently); empty: 1"
        />
      </fieldset>

      <fieldset>
        <legend>Schedule</legend>
        <SelectField
          ctx={ctx}
          path="schedule.type"
          label="LR schedule"
          options={['constant', 'step', 'multiStep', 'exponential', 'cosine', 'oneCycle', 'reduceOnPlateau']}
          onValue={(type) => ctx.set('schedule', scheduleTemplate(type, lr))}
        />
        {scheduleType === 'step' && <NumberField ctx={ctx} path="schedule.stepSize" label="Step every (epochs)" step={1} />}
        {scheduleType === 'multiStep' && <TextField ctx={ctx} path="schedule.milestones" label="Milestones (epochs)" parse={parseList} format={formatList} />}
        {['step', 'multiStep', 'exponential'].includes(String(scheduleType)) && <NumberField ctx={ctx} path="schedule.gamma" label="Gamma" />}
        {scheduleType === 'cosine' && (
          <>
            <NumberField ctx={ctx} path="schedule.warmupEpochs" label="Warmup (epochs)" />
            <NumberField ctx={ctx} path="schedule.minLr" label="Minimum lr" />
          </>
        )}
        {scheduleType === 'oneCycle' && (
          <>
            <NumberField ctx={ctx} path="schedule.maxLr" label="Max lr" />
            <NumberField ctx={ctx} path="schedule.pctStart" label="Warmup fraction" />
          </>
        )}
        {scheduleType === 'reduceOnPlateau' && (
          <>
            <TextField ctx={ctx} path="schedule.monitor" label="Monitor" />
            <NumberField ctx={ctx} path="schedule.factor" label="Factor" />
            <NumberField ctx={ctx} path="schedule.patience" label="Patience (epochs)" step={1} />
          </>
        )}
      </fieldset>

      <fieldset>
        <legend>Training</legend>
        <NumberField ctx={ctx} path="training.epochs" label="Epochs" step={1} min={1} />
        <NumberField ctx={ctx} path="training.batchSize" label="Batch size" step={1} min={1} />
        <NumberField ctx={ctx} path="training.seed" label="Seed" step={1} min={0} />
        <NumberField ctx={ctx} path="training.checkpoint.everyEpochs" label="Checkpoint every (epochs, 0 = off)" step={1} min={0} />
        <ToggleField ctx={ctx} path="training.earlyStopping" label="Early stopping" whenOn={{ monitor: 'val_loss', patience: 5 }} />
        {getAt(spec, 'training.earlyStopping') !== undefined && (
          <>
            <TextField ctx={ctx} path="training.earlyStopping.monitor" label="Monitor" />
            <NumberField ctx={ctx} path="training.earlyStopping.patience" label="Patience (epochs)" step={1} min={0} />
          </>
        )}
      </fieldset>

      <fieldset>
        <legend>Augmentation</legend>
        <ToggleField ctx={ctx} path="data.augmentation.flip" label="Horizontal flip" whenOn={{ horizontal: true, p: 0.5 }} />
        <ToggleField ctx={ctx} path="data.augmentation.rotation" label="Rotation" whenOn={{ degrees: 10 }} />
        {getAt(spec, 'data.augmentation.rotation') !== undefined && <NumberField ctx={ctx} path="data.augmentation.rotation.degrees" label="Degrees" />}
        <ToggleField ctx={ctx} path="data.augmentation.randomResizedCrop" label="Random resized crop" whenOn={{ scale: [0.6, 1] }} />
        <ToggleField ctx={ctx} path="data.augmentation.colorJitter" label="Colour jitter" whenOn={{ brightness: 0.2, contrast: 0.2, saturation: 0.2 }} />
        <ToggleField ctx={ctx} path="data.augmentation.mixup" label="Mixup" whenOn={{ alpha: 0.2 }} />
        {getAt(spec, 'data.augmentation.mixup') !== undefined && <NumberField ctx={ctx} path="data.augmentation.mixup.alpha" label="Mixup alpha" />}
      </fieldset>
    </form>
  );
});
