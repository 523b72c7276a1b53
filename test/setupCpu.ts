import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core registers no gradient functions; tfjs-layers registers them all, as every host
// that builds a model does, so unit tests see the same engine the hosts do.
import '@tensorflow/tfjs-layers';

// IS_TEST mutes tfjs's advice to install tfjs-node, which cannot be installed here.
tf.env().set('IS_TEST', true);
await tf.setBackend('cpu');
