import type { SafetensorsFile } from './safetensors.ts';

/**
 * Names the network a PyTorch state_dict was saved from, by the tensors only it has, so a
 * file made for another architecture is refused with what it is ("it holds torchvision's
 * resnet50") rather than with a list of missing names. Undefined when nothing matches.
 */
export function identifyTorchArchitecture(file: SafetensorsFile): string | undefined {
  const has = (name: string) => file.tensors.has(name);
  const width = (name: string) => file.tensors.get(name)?.shape[0];
  const depth = (prefix: string) => {
    let n = 0;
    while (has(`${prefix}.${n}.conv1.weight`) || has(`${prefix}.${n}.bn1.weight`)) n++;
    return n;
  };
  if (has('prelu.weight') && has('features.running_mean')) {
    const blocks = [1, 2, 3, 4].map((s) => depth(`layer${s}`));
    const name = { '2,2,2,2': 'iresnet18', '3,4,6,3': 'iresnet34', '3,4,14,3': 'iresnet50' }[blocks.join(',')] ?? `an IResNet with blocks [${blocks.join(', ')}]`;
    return `insightface's ${name}${width('conv1.weight') === 32 ? ' Lite' : ''} (${width('conv1.weight')} stem channels)`;
  }
  if (has('layer1.0.conv1.weight') && has('conv1.weight')) {
    const blocks = [1, 2, 3, 4].map((s) => depth(`layer${s}`));
    const bottleneck = has('layer1.0.conv3.weight');
    const table: Record<string, string> = bottleneck
      ? { '3,4,6,3': 'resnet50', '3,4,23,3': 'resnet101', '3,8,36,3': 'resnet152' }
      : { '2,2,2,2': 'resnet18', '3,4,6,3': 'resnet34' };
    return `torchvision's ${table[blocks.join(',')] ?? `ResNet with blocks [${blocks.join(', ')}]`} (${width('conv1.weight')} stem channels)`;
  }
  if (has('features.1.0.block.0.0.weight')) return `torchvision's EfficientNet (stem of ${width('features.0.0.weight')} channels)`;
  if (has('features.1.block.0.0.weight')) return `torchvision's MobileNetV3 (${has('features.16.0.weight') ? 'Large' : 'Small'})`;
  if (has('features.1.conv.0.0.weight')) return `torchvision's mobilenet_v2 (stem of ${width('features.0.0.weight')} channels)`;
  if (has('features.0.weight') && has('features.28.weight')) return has('features.1.running_mean') ? "torchvision's vgg16_bn" : "torchvision's vgg16";
  if (has('conv_stem.weight')) {
    const stem = width('conv_stem.weight');
    if (has('blocks.0.0.se.conv_reduce.weight')) return `timm's EfficientNet (stem of ${stem} channels)`;
    if (has('blocks.0.0.conv_pw.weight') && has('conv_head.weight') && !has('blocks.0.0.se.conv_reduce.weight')) return `timm's MobileNetV2 (stem of ${stem} channels)`;
    return `a timm MobileNet (stem of ${stem} channels)`;
  }
  return undefined;
}
