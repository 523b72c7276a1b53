/** Where Chromium is and how to start it: Playwright cannot download a browser here, so it runs Debian's. */
export interface ChromiumLaunch {
  executablePath: string;
  args: string[];
}

/**
 * Debian's Chromium, headless, with WebGPU on. Without a GPU (`hardware: false`, the tests
 * and this project's CI) WebGPU runs on SwiftShader, real WGSL shaders on the CPU, and
 * WebGL on SwiftShader through ANGLE. With `hardware: true` Chromium picks the machine's
 * GPU through Vulkan for both (`studio bench --gpu`).
 */
export function chromiumLaunch(options: { hardware?: boolean; executablePath?: string } = {}): ChromiumLaunch {
  const adapter = options.hardware
    ? ['--enable-features=Vulkan,VulkanFromANGLE,DefaultANGLEVulkan', '--use-angle=vulkan', '--ignore-gpu-blocklist']
    : ['--use-webgpu-adapter=swiftshader', '--enable-features=Vulkan'];
  return {
    executablePath: options.executablePath ?? process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless=new',
      '--no-sandbox',
      '--enable-unsafe-webgpu',
      ...adapter,
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  };
}
