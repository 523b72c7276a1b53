import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core registers no gradient functions; tfjs-layers registers them all, as every host
// that builds a model does, so unit tests see the same engine the hosts do.
import '@tensorflow/tfjs-layers';

await tf.setBackend('cpu');
