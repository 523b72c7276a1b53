import type * as tfl from '@tensorflow/tfjs-layers';
import { buildModel } from '../models/buildModel.ts';
import { modelConvention, modelSemantics, type RunSpec } from '../spec/runSpec.ts';
import type { Checkpoint } from './checkpoint.ts';
import { writeWeights } from './weightTransfer.ts';

/**
 * The model a checkpoint holds, rebuilt from its run's spec: the class count comes from
 * the checkpoint (what the head was trained for), and the weights must fit exactly, so a
 * checkpoint of another spec fails here with the mismatch named rather than predicting
 * nonsense later.
 */
export function modelFromCheckpoint(spec: RunSpec, checkpoint: Checkpoint): tfl.LayersModel {
  if (checkpoint.classNames.length === 0) throw new Error('the checkpoint names no classes, so the model head cannot be rebuilt');
  const model = buildModel({
    model: spec.model,
    channels: spec.data.channels,
    task: spec.task,
    numClasses: checkpoint.classNames.length,
    seed: spec.training.seed,
    convention: modelConvention(spec),
    freezing: modelSemantics(spec),
  });
  try {
    writeWeights(model, checkpoint.weights, 'exact');
  } catch (err) {
    model.dispose();
    throw err;
  }
  return model;
}
