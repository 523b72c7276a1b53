"""Reference parameter and MAC counts for src/core/models/referenceCounts.test.ts.

Builds torchvision's own definitions (untrained, 1000 classes) and counts
- params: every parameter (all are trainable in these models),
- MACs at 224x224x3: one multiply-accumulate per kernel weight per output position of
  every nn.Conv2d (groups honoured) and nn.Linear, read from forward hooks on a batch of 1.
  Batch norm, activations, pooling, residual additions and the SE scaling multiply are
  not counted: the same convention as src/core/models/modelCost.ts and as torchvision's
  documented "GFLOPS" column (which are MACs; resnet18 is listed at 1.81).
Run: /usr/bin/python3 test/reference/models_torchvision.py   (Debian python3-torch 1.13 + python3-torchvision 0.14)
"""
import json

import torch
import torchvision.models as tvm

NAMES = ["resnet18", "resnet34", "resnet50", "mobilenet_v2", "vgg16", "efficientnet_b0", "mobilenet_v3_small"]


def count_macs(model: torch.nn.Module, size: int) -> int:
    total = 0

    def conv_hook(mod, _inp, out):
        nonlocal total
        per_out = (mod.in_channels // mod.groups) * mod.kernel_size[0] * mod.kernel_size[1]
        total += out[0].numel() * per_out

    def linear_hook(mod, _inp, out):
        nonlocal total
        total += (out[0].numel() // mod.out_features) * mod.in_features * mod.out_features

    handles = []
    for m in model.modules():
        if isinstance(m, torch.nn.Conv2d):
            handles.append(m.register_forward_hook(conv_hook))
        elif isinstance(m, torch.nn.Linear):
            handles.append(m.register_forward_hook(linear_hook))
    model.eval()
    with torch.no_grad():
        model(torch.zeros(1, 3, size, size))
    for h in handles:
        h.remove()
    return total


def main() -> None:
    torch.manual_seed(0)
    out = {}
    for name in NAMES:
        model = getattr(tvm, name)(num_classes=1000)
        params = sum(p.numel() for p in model.parameters())
        trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
        out[name] = {"params": params, "trainable": trainable, "macs224": count_macs(model, 224)}
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
