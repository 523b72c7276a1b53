import { describe, expect, it } from 'vitest';
import { benchCommand } from './benchCommand.ts';
import { UsageError } from './usageError.ts';

// Only the refusals: a bench run takes minutes and is never a test (docs/performance.md).
describe('studio bench options', () => {
  it.each([
    [['--backend', 'gpu'], /--backend must be all or a list of cpu, webgpu, chromium, got "gpu"/],
    [['--backend', 'cpu,wasm'], /--backend must be all or a list of/],
    [['--engines', 'webgpu-studio,tpu'], /--engines takes webgpu-studio, webgpu-stock, webgl, cpu-studio, cpu-stock; got/],
    [['--samples', '0'], /--samples must be a positive integer, got "0"/],
    [['--epochs', '1'], /--epochs must be at least 2: the first is a warm-up/],
    [['--models', 'resnet18,vgg16'], /--models takes smallCnn, resnet18, mobilenetV2, efficientnetB0; got "resnet18,vgg16"/],
    [['--batch', '32,0'], /--batch must be a positive integer, got "0"/],
    [['--size', '96px'], /--size must be a positive integer, got "96px"/],
    [['--width', '0'], /--width must be a number in \(0, 4\], got "0"/],
    [['--threads', '1.5'], /--threads must be a positive integer, got "1.5"/],
    [['--tables', 'kernels,speed'], /--tables must be all or a list of kernels, threads, loop, torch, got "kernels,speed"/],
  ])('refuses %j before doing any work', async (args, message) => {
    const failure = benchCommand(args);
    await expect(failure).rejects.toThrow(UsageError);
    await expect(failure).rejects.toThrow(message);
  });
});
