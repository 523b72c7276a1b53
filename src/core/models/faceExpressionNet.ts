import { pooledBackbone, type BackboneBuilder } from './backbone.ts';
import type { LayerFactory, SymbolicTensor } from './layerFactory.ts';

/**
 * face-api.js' facial expression network (its `FaceExpressionNet`): the feature extractor
 * face-api trained on real faces to tell seven expressions apart, as a backbone. Four dense
 * blocks of 32, 64, 128 and 256 channels; each opens with a stride-2 convolution (a plain
 * 3×3 conv with bias in the first block, a depthwise-separable one — depthwise 3×3 without
 * bias, then a 1×1 conv with bias — in the others), followed by three depthwise-separable
 * convs at stride 1 whose outputs are summed densely:
 *
 *   o1 = relu(conv0(x)); o2 = conv1(o1); o3 = conv2(relu(o1 + o2)); o4 = conv3(relu(o1 + o2 + o3))
 *   out = relu(o1 + o2 + o3 + o4)
 *
 * The stride-2 convs pad as TensorFlow's `same` does (the extra pixel at the bottom and
 * right: the factory's `tfSame`), under either convention, so the function is face-api's. face-api reads its 7×7 map at 112 px with a 7×7 average pool, which is the
 * global average pool used here; at other sizes the global pool keeps the network whole
 * (face-api's pool would not fit). Its input is face-api's preprocessing, the same as the
 * face recognition network's (`FACE_API_NORMALIZATION`). There are no batch norms, so
 * training and inference compute the same function.
 */
const DENSE_CHANNELS = [32, 64, 128, 256];

/** The input size face-api trained at (its faces are resized to 112 × 112). */
export const FACE_EXPRESSION_INPUT = 112;

/** Depthwise 3×3 (no bias) then pointwise 1×1 with bias: face-api's `depthwiseSeparableConv`. */
function separable(f: LayerFactory, x: SymbolicTensor, name: string, filters: number, stride: 1 | 2): SymbolicTensor {
  const depthwise = f.depthwise(x, `${name}_depthwise`, 3, stride, 'tfSame');
  return f.conv(depthwise, name, filters, 1, { bias: true });
}

function denseBlock(f: LayerFactory, x: SymbolicTensor, name: string, filters: number, first: boolean): SymbolicTensor {
  const opened = first
    ? f.conv(x, `${name}_conv0`, filters, 3, { stride: 2, bias: true, padding: 'tfSame' })
    : separable(f, x, `${name}_conv0`, filters, 2);
  const o1 = f.activation(opened, `${name}_relu0`, 'relu');
  const o2 = separable(f, o1, `${name}_conv1`, filters, 1);
  // Running sums: ((o1 + o2) + o3) + o4 is the order tfjs' Add layer sums its inputs in, so the
  // values are the same bits as summing o1..o4 anew, with half the full-size additions forward
  // and half the gradient accumulations backward (each output feeds one sum, not three).
  const sum1 = f.add([o1, o2], `${name}_sum1`);
  const o3 = separable(f, f.activation(sum1, `${name}_relu1`, 'relu'), `${name}_conv2`, filters, 1);
  const sum2 = f.add([sum1, o3], `${name}_sum2`);
  const o4 = separable(f, f.activation(sum2, `${name}_relu2`, 'relu'), `${name}_conv3`, filters, 1);
  return f.activation(f.add([sum2, o4], `${name}_sum3`), `${name}_out`, 'relu');
}

export const faceExpressionNet: BackboneBuilder = (f, input) => {
  let x = input;
  DENSE_CHANNELS.forEach((channels, i) => {
    f.startBlock(`dense${i}`);
    x = denseBlock(f, x, `dense${i}`, f.channels(channels), i === 0);
  });
  f.endBlocks();
  return pooledBackbone(x);
};
