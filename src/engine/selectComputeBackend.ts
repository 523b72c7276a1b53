import { isSoftwareAdapter } from '../kernels/isSoftwareAdapter.ts';
import { errorMessage } from './errorMessage.ts';
import { BACKEND_NAMES, type BackendPreference, type ComputeChoice } from './protocol.ts';

/** A backend as the host started it. */
export interface StartedBackend {
  backend: string;
  /** The adapter in words ("nvidia ampere — NVIDIA GeForce RTX 3080", "cpu, WebAssembly SIMD"). */
  adapter: string;
  limits?: { maxBufferSize?: number; maxStorageBufferBindingSize?: number };
}

/** What the engine trains on, and why it passed over the backends before it (empty when it did not). */
export interface ComputeSelection extends StartedBackend {
  passedOver: string[];
}

/** Starts one backend, or rejects saying why it cannot start here. */
export type StartBackend = (name: BackendPreference) => Promise<StartedBackend>;

/** The automatic order: a real GPU through WebGPU, else through WebGL, else the cpu kernels. */
export const AUTO_BACKEND_ORDER: readonly BackendPreference[] = ['webgpu', 'webgl', 'cpu'];

/**
 * Starts the backend for a compute choice. `auto` tries WebGPU, WebGL, then the cpu kernels,
 * and passes over a GPU backend that runs on a software renderer: it is a CPU too, and a
 * slower one than the studio's cpu kernels. A named choice is started even on a software
 * renderer (the person asked for it); if it cannot start, the rest follow in the automatic
 * order. A software renderer passed over is still used when nothing after it starts.
 */
export async function selectComputeBackend(choice: ComputeChoice, start: StartBackend): Promise<ComputeSelection> {
  const order = choice === 'auto' ? AUTO_BACKEND_ORDER : [choice, ...AUTO_BACKEND_ORDER.filter((name) => name !== choice)];
  const passedOver: string[] = [];
  let software: { name: BackendPreference; note: string } | undefined;
  for (const name of order) {
    let started: StartedBackend;
    try {
      started = await start(name);
    } catch (err) {
      passedOver.push(`${BACKEND_NAMES[name]}: ${errorMessage(err)}`);
      continue;
    }
    if (name !== choice && name !== 'cpu' && isSoftwareAdapter(started.adapter)) {
      const note = `${BACKEND_NAMES[name]}: a software renderer (${started.adapter}), slower than the CPU kernels`;
      passedOver.push(note);
      software ??= { name, note };
      continue;
    }
    return { ...started, passedOver };
  }
  if (software) {
    const { note } = software;
    return { ...(await start(software.name)), passedOver: passedOver.filter((line) => line !== note) };
  }
  throw new Error(`no backend could start (${passedOver.join('; ')})`);
}
