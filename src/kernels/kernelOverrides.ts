import { getKernel, registerKernel, unregisterKernel } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';

/**
 * A replacement for one backend kernel. `run` returns undefined for a case it does not
 * cover (NCHW, dilation > 1, a non-float32 input, an unusual fusion), and the stock
 * kernel runs instead, so registering replacements never makes a model fail.
 *
 * `added` marks a kernel tfjs does not have at all (a fused optimizer step): it is
 * registered as new and removed again by `unregister()`, and since there is no stock
 * kernel to fall back to, its `run` must cover every case (the core calls it only when it
 * is registered, and composes tfjs ops otherwise).
 */
export interface KernelOverride<Args> {
  kernelName: string;
  added?: boolean;
  run(args: Args): TensorInfo | TensorInfo[] | undefined;
}

/**
 * A set of kernels registered over one backend's stock ones, and the means to put the stock
 * ones back exactly as they were: the studio's own kernels are on by default, and every host
 * keeps a switch to fall back to stock tfjs (issue 6).
 */
export class KernelOverrides<Args> {
  /** The stock configs replaced, by kernel name; undefined while the stock ones are in place. */
  private stock: Map<string, KernelConfig> | undefined;
  readonly names: readonly string[];

  constructor(
    readonly backendName: string,
    private readonly kernels: readonly KernelOverride<Args>[],
    /** What to tell a caller whose backend package is not loaded yet. */
    private readonly importHint: string,
    /** Called after the replacements go in (true) or come out (false): state the kernels share, such as the cpu output pool. */
    private readonly onChange?: (registered: boolean) => void,
  ) {
    this.names = kernels.map((k) => k.kernelName);
  }

  get registered(): boolean {
    return this.stock !== undefined;
  }

  /** Idempotent: a second call does not wrap the replacements again (the stock kernels would be lost). */
  register(): void {
    if (this.stock) return;
    const stock = new Map<string, KernelConfig>();
    for (const k of this.kernels) {
      const config = getKernel(k.kernelName, this.backendName);
      if (k.added) {
        if (config) throw new Error(`the ${this.backendName} backend already has a '${k.kernelName}' kernel (nothing was registered)`);
        continue;
      }
      if (!config) {
        throw new Error(
          `the ${this.backendName} backend has no '${k.kernelName}' kernel to replace; ${this.importHint} (nothing was registered)`,
        );
      }
      stock.set(k.kernelName, config);
    }
    for (const k of this.kernels) {
      if (k.added) {
        registerKernel({ kernelName: k.kernelName, backendName: this.backendName, kernelFunc: withoutFallback(k) });
        continue;
      }
      const config = stock.get(k.kernelName) as KernelConfig;
      unregisterKernel(k.kernelName, this.backendName);
      registerKernel({ ...config, kernelFunc: withFallback(k, config.kernelFunc) });
    }
    this.stock = stock;
    this.onChange?.(true);
  }

  /** Puts the stock kernels back exactly as they were. A no-op when the replacements are not registered. */
  unregister(): void {
    if (!this.stock) return;
    for (const [name, config] of this.stock) {
      unregisterKernel(name, this.backendName);
      registerKernel(config);
    }
    for (const k of this.kernels) if (k.added) unregisterKernel(k.kernelName, this.backendName);
    this.stock = undefined;
    this.onChange?.(false);
  }
}

function withFallback<Args>(k: KernelOverride<Args>, stock: KernelFunc): KernelFunc {
  return (args) => k.run(args as unknown as Args) ?? stock(args);
}

function withoutFallback<Args>(k: KernelOverride<Args>): KernelFunc {
  return (args) => {
    const out = k.run(args as unknown as Args);
    if (!out) throw new Error(`the studio's '${k.kernelName}' kernel cannot run these inputs, and tfjs has no kernel of its own to fall back to`);
    return out;
  };
}
