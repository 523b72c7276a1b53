import '@tensorflow/tfjs-layers';
import { initNodeBackend } from '../src/node/backend.ts';

await initNodeBackend('webgpu');
