import * as tf from '@tensorflow/tfjs-core';

export type BoxLossKind = 'seed001' | 'giou' | 'l1';

/** torchvision.ops.generalized_box_iou_loss's guard against empty unions and enclosures. */
const GIOU_EPS = 1e-7;

function columns(boxes: tf.Tensor2D): [tf.Tensor1D, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D] {
  const [x1, y1, x2, y2] = tf.unstack(boxes, 1) as tf.Tensor1D[];
  return [x1, y1, x2, y2];
}

/**
 * Seed 001's `localization_loss`, kept exactly: squared error of the top-left corner plus
 * squared error of width and height, SUMMED over the batch (not averaged). Its scale
 * therefore grows with the batch size, which the seed's loss weights were tuned against.
 */
function seed001Loss(yTrue: tf.Tensor2D, yPred: tf.Tensor2D): tf.Scalar {
  const [tx1, ty1, tx2, ty2] = columns(yTrue);
  const [px1, py1, px2, py2] = columns(yPred);
  const corner = tf.sum(tf.square(tf.sub(tf.slice(yTrue, [0, 0], [-1, 2]), tf.slice(yPred, [0, 0], [-1, 2]))));
  const widthError = tf.sub(tf.sub(tx2, tx1), tf.sub(px2, px1));
  const heightError = tf.sub(tf.sub(ty2, ty1), tf.sub(py2, py1));
  return tf.add(corner, tf.sum(tf.add(tf.square(widthError), tf.square(heightError)))) as tf.Scalar;
}

/**
 * Mean of 1 − GIoU, as torchvision's generalized_box_iou_loss computes it (same eps). Like
 * torchvision it assumes x1 < x2 and y1 < y2; a non-overlapping pair has intersection 0.
 */
function giouLoss(yTrue: tf.Tensor2D, yPred: tf.Tensor2D): tf.Scalar {
  const [tx1, ty1, tx2, ty2] = columns(yTrue);
  const [px1, py1, px2, py2] = columns(yPred);
  const interW = tf.relu(tf.sub(tf.minimum(tx2, px2), tf.maximum(tx1, px1)));
  const interH = tf.relu(tf.sub(tf.minimum(ty2, py2), tf.maximum(ty1, py1)));
  const intersection = tf.mul(interW, interH);
  const areaTrue = tf.mul(tf.sub(tx2, tx1), tf.sub(ty2, ty1));
  const areaPred = tf.mul(tf.sub(px2, px1), tf.sub(py2, py1));
  const union = tf.sub(tf.add(areaTrue, areaPred), intersection);
  const iou = tf.div(intersection, tf.add(union, GIOU_EPS));
  const enclosure = tf.mul(
    tf.sub(tf.maximum(tx2, px2), tf.minimum(tx1, px1)),
    tf.sub(tf.maximum(ty2, py2), tf.minimum(ty1, py1)),
  );
  const giou = tf.sub(iou, tf.div(tf.sub(enclosure, union), tf.add(enclosure, GIOU_EPS)));
  return tf.mean(tf.sub(1, giou)) as tf.Scalar;
}

/**
 * Bounding-box regression loss on normalized `[x1, y1, x2, y2]` boxes `[batch, 4]`:
 * 'seed001' (sum reduction, see above), 'giou' (mean 1 − GIoU) or 'l1' (mean absolute
 * error over every coordinate, torch.nn.L1Loss).
 */
export function boxLoss(kind: BoxLossKind, yTrue: tf.Tensor2D, yPred: tf.Tensor2D): tf.Scalar {
  if (yTrue.rank !== 2 || yTrue.shape[1] !== 4 || yPred.rank !== 2 || yPred.shape[0] !== yTrue.shape[0] || yPred.shape[1] !== 4) {
    throw new Error(`boxLoss: boxes must both be [batch, 4], got [${yTrue.shape}] and [${yPred.shape}]`);
  }
  return tf.tidy(() => {
    const t = tf.cast(yTrue, 'float32');
    const p = tf.cast(yPred, 'float32');
    switch (kind) {
      case 'seed001':
        return seed001Loss(t, p);
      case 'giou':
        return giouLoss(t, p);
      case 'l1':
        return tf.mean(tf.abs(tf.sub(t, p))) as tf.Scalar;
      default:
        throw new Error(`boxLoss: unknown kind ${String(kind)}`);
    }
  });
}
