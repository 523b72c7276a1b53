"""Reference parameter and MAC counts for IResNet / IResNet-Lite (src/core/models/referenceCounts.test.ts).

An independent torch re-implementation of insightface's IResNet (arcface_torch
backbones/iresnet.py, as described in seed 003): stem conv3x3(64, stride 1) - BN - PReLU;
four stages of IBasicBlock (BN - conv3x3 - BN - PReLU - conv3x3(stride) - BN, plus a
conv1x1(stride) - BN shortcut where the shape changes), the first block of every stage
striding by 2; then BN - dropout - flatten - Linear(C*7*7 -> 512) - BatchNorm1d whose
weight is fixed at 1 (requires_grad = False). Layers [2,2,2,2] / [3,4,6,3] / [3,4,14,3].
"Lite" is the studio's definition: every channel count halved (stem 32, stages
32/64/128/256), the seed's diagram; its parameter table (R18_lite 9.2M, R34_lite 11.8M,
R50_lite 14.1M) follows from that.
Prints, at 112x112x3 with a 512-d embedding: all params, trainable params (without the
fixed BN weight) and MACs (Conv2d + Linear, as in models_torchvision.py).
Run: /usr/bin/python3 test/reference/models_iresnet.py   (Debian python3-torch 1.13)
"""
import json

import torch
from torch import nn


class IBasicBlock(nn.Module):
    def __init__(self, inplanes: int, planes: int, stride: int):
        super().__init__()
        self.bn1 = nn.BatchNorm2d(inplanes, eps=1e-5)
        self.conv1 = nn.Conv2d(inplanes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes, eps=1e-5)
        self.prelu = nn.PReLU(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, stride, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(planes, eps=1e-5)
        self.downsample = None
        if stride != 1 or inplanes != planes:
            self.downsample = nn.Sequential(nn.Conv2d(inplanes, planes, 1, stride, bias=False), nn.BatchNorm2d(planes, eps=1e-5))

    def forward(self, x):
        out = self.bn3(self.conv2(self.prelu(self.bn2(self.conv1(self.bn1(x))))))
        return out + (x if self.downsample is None else self.downsample(x))


class IResNet(nn.Module):
    def __init__(self, layers, width: float = 1.0, num_features: int = 512, size: int = 112):
        super().__init__()
        w = [int(c * width) for c in (64, 128, 256, 512)]
        self.conv1 = nn.Conv2d(3, w[0], 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(w[0], eps=1e-5)
        self.prelu = nn.PReLU(w[0])
        blocks = []
        inplanes = w[0]
        for planes, n in zip(w, layers):
            for i in range(n):
                blocks.append(IBasicBlock(inplanes, planes, 2 if i == 0 else 1))
                inplanes = planes
        self.blocks = nn.Sequential(*blocks)
        self.bn2 = nn.BatchNorm2d(inplanes, eps=1e-5)
        self.dropout = nn.Dropout(0.0)
        spatial = size // 16
        self.fc = nn.Linear(inplanes * spatial * spatial, num_features)
        self.features = nn.BatchNorm1d(num_features, eps=1e-5)
        nn.init.constant_(self.features.weight, 1.0)
        self.features.weight.requires_grad = False

    def forward(self, x):
        x = self.blocks(self.prelu(self.bn1(self.conv1(x))))
        x = self.dropout(torch.flatten(self.bn2(x), 1))
        return self.features(self.fc(x))


def count_macs(model: nn.Module, size: int) -> int:
    total = 0

    def conv_hook(mod, _inp, out):
        nonlocal total
        total += out[0].numel() * (mod.in_channels // mod.groups) * mod.kernel_size[0] * mod.kernel_size[1]

    def linear_hook(mod, _inp, out):
        nonlocal total
        total += mod.in_features * mod.out_features

    for m in model.modules():
        if isinstance(m, nn.Conv2d):
            m.register_forward_hook(conv_hook)
        elif isinstance(m, nn.Linear):
            m.register_forward_hook(linear_hook)
    model.eval()
    with torch.no_grad():
        model(torch.zeros(1, 3, size, size))
    return total


def main() -> None:
    depths = {"18": [2, 2, 2, 2], "34": [3, 4, 6, 3], "50": [3, 4, 14, 3]}
    out = {}
    for depth, layers in depths.items():
        for suffix, width in (("", 1.0), ("Lite", 0.5)):
            model = IResNet(layers, width)
            out[f"iresnet{depth}{suffix}"] = {
                "params": sum(p.numel() for p in model.parameters()),
                "trainable": sum(p.numel() for p in model.parameters() if p.requires_grad),
                "macs112": count_macs(model, 112),
            }
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
