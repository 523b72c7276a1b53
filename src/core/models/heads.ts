import type { HeadSpec } from '../spec/runSpec.ts';
import type { Backbone } from './backbone.ts';
import { L2Normalize } from './l2Normalize.ts';
import type { LayerFactory, SymbolicTensor } from './layerFactory.ts';

/** Seed 001's tracker: 2048 hidden units in each branch (scaled by the width multiplier). */
const DETECTION_HIDDEN = 2048;

/**
 * `units` dense layers, each followed by batch norm (if asked), the activation and
 * dropout: seed 002's custom classifier head.
 */
function hiddenStack(f: LayerFactory, input: SymbolicTensor, head: HeadSpec, prefix: string, units: number[]): SymbolicTensor {
  let x = input;
  units.forEach((n, i) => {
    const name = `${prefix}_dense${i + 1}`;
    x = f.dense(x, name, n);
    if (head.batchNorm) x = f.batchNorm(x, `${name}_bn`);
    x = f.activation(x, `${name}_${head.activation}`, head.activation);
    x = f.dropout(x, `${name}_dropout`, head.dropout);
  });
  return x;
}

/**
 * Logits `[B, numClasses]` (no softmax: the loss applies it). With no hidden layers the
 * family's reference classifier is used (torchvision's, so the counts compare); a
 * positive head.dropout then replaces the rate in front of its last layer. A network
 * that ends in its own embedding already spent head.dropout inside it.
 */
export function classifierHead(f: LayerFactory, backbone: Backbone, head: HeadSpec, numClasses: number): SymbolicTensor {
  let x: SymbolicTensor;
  if (head.hidden.length === 0) {
    x = backbone.classic.neck(f);
    const rate = backbone.endsInEmbedding ? 0 : head.dropout > 0 ? head.dropout : backbone.classic.dropout;
    x = f.dropout(x, 'classifier_dropout', rate);
  } else {
    x = hiddenStack(f, backbone.vector(f), head, 'head', head.hidden);
  }
  return f.dense(x, 'logits', numClasses, { init: 'glorot' });
}

/**
 * L2-normalized embeddings `[B, embeddingSize]`: pooled features → hidden layers (if
 * any) → BN → dense → L2 normalize. IResNet brings its own BN-dense-BN embedding, which
 * is only normalized here.
 */
export function embeddingHead(f: LayerFactory, backbone: Backbone, head: HeadSpec, embeddingSize: number): SymbolicTensor {
  let x = backbone.vector(f);
  if (!backbone.endsInEmbedding) {
    x = hiddenStack(f, x, head, 'head', head.hidden);
    x = f.dense(f.batchNorm(x, 'embedding_bn'), 'embedding_fc', embeddingSize, { init: 'glorot' });
  }
  return f.custom(new L2Normalize({ name: 'embedding' }), x);
}

/**
 * Seed 001's two-head tracker on any backbone: each branch global-max-pools the last
 * feature map and runs its own hidden layers (head.hidden, or one of 2048 · width units
 * as in the seed); the class branch ends in logits `[B, numClasses]`, the box branch in
 * 4 sigmoid coordinates `[B, 4]`. Returned in that order.
 */
export function detectionHeads(f: LayerFactory, backbone: Backbone, head: HeadSpec, numClasses: number): [SymbolicTensor, SymbolicTensor] {
  const hidden = head.hidden.length > 0 ? head.hidden : [f.channels(DETECTION_HIDDEN)];
  const branch = (prefix: string) => {
    const v = backbone.features.shape.length === 4 ? f.globalMaxPool(backbone.features, `${prefix}_pool`) : backbone.features;
    return hiddenStack(f, v, head, prefix, hidden);
  };
  const logits = f.dense(branch('class'), 'class_logits', numClasses, { init: 'glorot' });
  const box = f.activation(f.dense(branch('box'), 'box_fc', 4, { init: 'glorot' }), 'box', 'sigmoid');
  return [logits, box];
}
