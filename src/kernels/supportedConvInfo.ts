import { backend_util } from '@tensorflow/tfjs-core';
import type { Conv2DAttrs } from '@tensorflow/tfjs-core';

type Shape4 = [number, number, number, number];

export interface ConvAttrs {
  strides: Conv2DAttrs['strides'];
  pad: Conv2DAttrs['pad'];
  dataFormat?: Conv2DAttrs['dataFormat'];
  dilations?: Conv2DAttrs['dilations'] | null;
  dimRoundingMode?: Conv2DAttrs['dimRoundingMode'];
}

/**
 * The convolution's geometry when the fast kernels cover it (NHWC, dilation 1; any
 * stride and padding), else undefined. Shapes the stock kernels would reject throw here
 * with tfjs's own message, since this is the very function they call.
 */
export function supportedConvInfo(xShape: number[], filterShape: number[], attrs: ConvAttrs, depthwise: boolean): backend_util.Conv2DInfo | undefined {
  if (attrs.dataFormat === 'NCHW' || xShape.length !== 4 || filterShape.length !== 4) return undefined;
  const info = backend_util.computeConv2DInfo(
    xShape as Shape4,
    filterShape as Shape4,
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
    depthwise,
    'channelsLast',
  );
  return info.dilationHeight === 1 && info.dilationWidth === 1 ? info : undefined;
}
