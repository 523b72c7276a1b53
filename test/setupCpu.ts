import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core registers no gradient functions; tfjs-layers registers them all, as every host
// that builds a model does, so unit tests see the same engine the hosts do.
import '@tensorflow/tfjs-layers';
import { fastCpuKernels } from '../src/kernels/cpu/fastCpuKernels.ts';
import { startCpuThreads } from '../src/kernels/cpu/wasm/simdKernels.ts';
import { setStudioKernels } from '../src/kernels/setStudioKernels.ts';
import { nodeCpuThreads, nodeThreadHost } from '../src/node/nodeThreadHost.ts';

// The unit tests train on the fast cpu kernels and fused batch norm the CLI uses (issue 6);
// STUDIO_STOCK_KERNELS=1 runs them on stock tfjs-cpu instead, to tell a kernel bug from a training one.
setStudioKernels([fastCpuKernels], process.env.STUDIO_STOCK_KERNELS !== '1');

// STUDIO_CPU_THREADS=N runs the whole suite with the cpu kernels split over N threads (their
// results do not depend on it); unset, the suite runs on one thread, whatever the machine.
if (process.env.STUDIO_CPU_THREADS) await startCpuThreads(nodeCpuThreads(), nodeThreadHost);

await tf.setBackend('cpu');
