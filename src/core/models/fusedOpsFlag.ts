import * as tf from '@tensorflow/tfjs-core';

/**
 * The tfjs environment flag that turns the core's fused training ops on (the default) or
 * off: batch norm as one op (batchNormTraining.ts), the activations' one-kernel
 * gradients (activationTraining.ts) and convolutions differentiated per input
 * (convTraining.ts). Hosts clear it together with unregistering the
 * studio's kernels when asked for stock tfjs (STUDIO_STOCK_KERNELS=1, `?kernels=stock`), so
 * "stock" means tfjs's own graph too.
 */
export const FUSED_OPS_FLAG = 'STUDIO_FUSED_OPS';
tf.env().registerFlag(FUSED_OPS_FLAG, () => true);
