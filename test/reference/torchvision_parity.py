"""Reference weights and outputs for the zoo's PyTorch parity tests (src/core/pretrained/*.torch.test.ts).

Builds one network as torchvision 0.14 defines it (or insightface's IResNet, written out
below from arcface_torch/backbones/iresnet.py), gives every parameter and every batch-norm
statistic seeded random values (so eval mode is not an identity), and writes into --out:

  weights.safetensors   the state_dict, torchvision's names (num_batches_tracked included),
                        written by hand: an 8-byte little-endian header length, a JSON
                        header, the raw little-endian tensors
  input.bin             float32 NHWC [batch, size, size, 3], seeded normal values
  eval.bin              float32: the eval-mode output (logits; IResNet: its L2-normalised
                        embedding), then the backbone's last feature map in NHWC
  train.safetensors     every batch norm's running_mean / running_var after one
                        training-mode forward pass of the same input (stochastic depth
                        and dropout off, so only the batch statistics move them)
  meta.json             what was made, with shapes
  image.json            with --image PNG: the output for that picture, read with PIL as RGB,
                        scaled to [0, 1] and normalized with ImageNet's mean and std (the
                        studio's `imagenet` preset)

Run with Debian's python3-torch / python3-torchvision:
  /usr/bin/python3 test/reference/torchvision_parity.py --arch resnet18 --size 64 --out DIR
"""
import argparse
import re
import json
import struct

import torch
import torch.nn as nn
import torchvision


def conv3x3(i, o, stride=1):
    return nn.Conv2d(i, o, kernel_size=3, stride=stride, padding=1, bias=False)


class IBasicBlock(nn.Module):
    """insightface's IBasicBlock (arcface_torch/backbones/iresnet.py), unchanged."""

    def __init__(self, inplanes, planes, stride=1, downsample=None):
        super().__init__()
        self.bn1 = nn.BatchNorm2d(inplanes, eps=1e-05)
        self.conv1 = conv3x3(inplanes, planes)
        self.bn2 = nn.BatchNorm2d(planes, eps=1e-05)
        self.prelu = nn.PReLU(planes)
        self.conv2 = conv3x3(planes, planes, stride)
        self.bn3 = nn.BatchNorm2d(planes, eps=1e-05)
        self.downsample = downsample

    def forward(self, x):
        out = self.bn3(self.conv2(self.prelu(self.bn2(self.conv1(self.bn1(x))))))
        identity = self.downsample(x) if self.downsample is not None else x
        return out + identity


class IResNet(nn.Module):
    """insightface's IResNet; `base` 64 is theirs, 32 the studio's Lite (every width halved).
    fc_scale follows the input size (insightface fixes it at 7*7 for 112 px)."""

    def __init__(self, layers, size, base=64, num_features=512):
        super().__init__()
        self.inplanes = base
        self.conv1 = nn.Conv2d(3, base, kernel_size=3, stride=1, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(base, eps=1e-05)
        self.prelu = nn.PReLU(base)
        self.layer1 = self._make_layer(base, layers[0])
        self.layer2 = self._make_layer(base * 2, layers[1])
        self.layer3 = self._make_layer(base * 4, layers[2])
        self.layer4 = self._make_layer(base * 8, layers[3])
        self.bn2 = nn.BatchNorm2d(base * 8, eps=1e-05)
        self.dropout = nn.Dropout(p=0)
        self.fc = nn.Linear(base * 8 * (size // 16) ** 2, num_features)
        self.features = nn.BatchNorm1d(num_features, eps=1e-05)
        nn.init.constant_(self.features.weight, 1.0)
        self.features.weight.requires_grad = False

    def _make_layer(self, planes, blocks):
        downsample = nn.Sequential(nn.Conv2d(self.inplanes, planes, kernel_size=1, stride=2, bias=False), nn.BatchNorm2d(planes, eps=1e-05))
        layers = [IBasicBlock(self.inplanes, planes, 2, downsample)]
        self.inplanes = planes
        layers += [IBasicBlock(planes, planes) for _ in range(1, blocks)]
        return nn.Sequential(*layers)

    def trunk(self, x):
        x = self.prelu(self.bn1(self.conv1(x)))
        return self.bn2(self.layer4(self.layer3(self.layer2(self.layer1(x)))))

    def forward(self, x):
        return self.features(self.fc(self.dropout(torch.flatten(self.trunk(x), 1))))


IRESNET_LAYERS = {"iresnet18": [2, 2, 2, 2], "iresnet34": [3, 4, 6, 3], "iresnet50": [3, 4, 14, 3]}


def build(arch, size):
    """The network and a function giving (output, last feature map)."""
    tv = torchvision.models
    if arch.startswith("iresnet"):
        lite = arch.endswith("Lite")
        net = IResNet(IRESNET_LAYERS[arch.replace("Lite", "")], size, base=32 if lite else 64)
        return net, lambda x: (nn.functional.normalize(net(x)), net.trunk(x))
    if arch.startswith("resnet"):
        net = getattr(tv, arch)()
        def run(x):
            f = net.layer4(net.layer3(net.layer2(net.layer1(net.maxpool(net.relu(net.bn1(net.conv1(x))))))))
            return net.fc(torch.flatten(net.avgpool(f), 1)), f
        return net, run
    if arch == "vgg16":
        net = tv.vgg16()
        return net, lambda x: (net(x), net.features(x))
    if arch == "efficientnetB0":
        net = tv.efficientnet_b0(stochastic_depth_prob=0.0)
    elif arch == "mobilenetV2":
        net = tv.mobilenet_v2()
    elif arch == "mobilenetV3Small":
        net = tv.mobilenet_v3_small()
    else:
        raise SystemExit(f"unknown architecture {arch}")
    return net, lambda x: (net(x), net.features(x))


def randomize(net, gen):
    """Seeded values for every parameter and statistic, scaled so activations stay O(1)."""
    with torch.no_grad():
        for name, t in net.state_dict().items():
            if t.dtype != torch.float32:
                continue
            if name.endswith("running_var"):
                t.copy_(torch.rand(t.shape, generator=gen) + 0.5)
            elif name.endswith("running_mean"):
                t.copy_(torch.randn(t.shape, generator=gen) * 0.1)
            elif t.dim() == 1 and "prelu" in name:
                t.copy_(torch.rand(t.shape, generator=gen) * 0.3)
            elif t.dim() == 1:
                # Batch-norm scales near 1 (shifts near 0); biases small.
                t.copy_((1.0 if name.endswith("weight") else 0.0) + torch.randn(t.shape, generator=gen) * 0.1)
            else:
                fan_in = t[0].numel()
                t.copy_(torch.randn(t.shape, generator=gen) * (2.0 / fan_in) ** 0.5)
        if hasattr(net, "features") and isinstance(net.features, nn.BatchNorm1d):
            net.features.weight.fill_(1.0)
        for m in net.modules():
            if isinstance(m, nn.BatchNorm2d) or isinstance(m, nn.BatchNorm1d):
                m.num_batches_tracked.fill_(int(torch.randint(1, 1000, (1,), generator=gen)))


DTYPES = {torch.float32: "F32", torch.int64: "I64"}


# Stages of timm's mobilenetv2_100 and efficientnet_b0 (blocks per stage), and each block
# kind's modules in torchvision's order of appearance. timm's state_dict of these two models
# is torchvision's renamed, tensor for tensor (checked against timm's own models, commit
# aa4b5850: the same tensors in the same order with the same shapes, and the two networks
# give identical outputs from the same weights); --names timm writes the file as timm names it.
TIMM_STAGES = {"mobilenetV2": [1, 2, 3, 4, 3, 3, 1], "efficientnetB0": [1, 2, 2, 3, 3, 4, 1]}


def timm_name(arch, key):
    """timm's name for a torchvision state_dict key of MobileNetV2 or EfficientNet-B0."""
    stages = TIMM_STAGES[arch]
    last = sum(stages) + 1 if arch == "mobilenetV2" else len(stages) + 1
    m = re.match(r"features\.0\.([01])\.(.+)$", key)
    if m:
        return ("conv_stem." if m.group(1) == "0" else "bn1.") + m.group(2)
    m = re.match(rf"features\.{last}\.([01])\.(.+)$", key)
    if m:
        return ("conv_head." if m.group(1) == "0" else "bn2.") + m.group(2)
    m = re.match(r"classifier\.1\.(.+)$", key)
    if m:
        return "classifier." + m.group(1)
    if arch == "mobilenetV2":
        m = re.match(r"features\.(\d+)\.conv\.(.+)$", key)
        flat = int(m.group(1)) - 1
        stage = next(s for s in range(len(stages)) if flat < sum(stages[: s + 1]))
        block = flat - sum(stages[:stage])
        parts = {"0.0": "conv_dw", "0.1": "bn1", "1": "conv_pw", "2": "bn2"} if flat == 0 else {"0.0": "conv_pw", "0.1": "bn1", "1.0": "conv_dw", "1.1": "bn2", "2": "conv_pwl", "3": "bn3"}
    else:
        m = re.match(r"features\.(\d+)\.(\d+)\.block\.(.+)$", key)
        stage, block = int(m.group(1)) - 1, int(m.group(2))
        m = re.match(r"(.+)$", m.group(3))
        parts = (
            {"0.0": "conv_dw", "0.1": "bn1", "1.fc1": "se.conv_reduce", "1.fc2": "se.conv_expand", "2.0": "conv_pw", "2.1": "bn2"}
            if stage == 0
            else {"0.0": "conv_pw", "0.1": "bn1", "1.0": "conv_dw", "1.1": "bn2", "2.fc1": "se.conv_reduce", "2.fc2": "se.conv_expand", "3.0": "conv_pwl", "3.1": "bn3"}
        )
    rest = m.group(m.lastindex)
    for torch_part, timm_part in parts.items():
        if rest.startswith(torch_part + "."):
            return f"blocks.{stage}.{block}.{timm_part}{rest[len(torch_part):]}"
    raise ValueError(f"no timm name for {key}")


def write_safetensors(path, tensors, metadata):
    header = {"__metadata__": metadata}
    blobs = []
    offset = 0
    for name, t in tensors.items():
        data = t.detach().contiguous().cpu().numpy().tobytes()
        header[name] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--arch", required=True)
    p.add_argument("--size", type=int, default=64)
    p.add_argument("--batch", type=int, default=2)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", required=True)
    p.add_argument("--no-classifier", action="store_true", help="leave the classifier out of the file (VGG-16's is 480 MB)")
    p.add_argument("--image", help="a PNG of --size pixels to run through the eval-mode model too")
    p.add_argument("--names", choices=["torchvision", "timm"], default="torchvision", help="name the file's tensors as timm does (mobilenetV2, efficientnetB0)")
    a = p.parse_args()
    torch.manual_seed(a.seed)
    gen = torch.Generator().manual_seed(a.seed)
    net, run = build(a.arch, a.size)
    randomize(net, gen)
    net.eval()
    x = torch.randn(a.batch, 3, a.size, a.size, generator=gen)
    state = {k: v for k, v in net.state_dict().items() if not (a.no_classifier and k.startswith("classifier."))}
    if a.names == "timm":
        state = {timm_name(a.arch, k): v for k, v in state.items()}
    write_safetensors(f"{a.out}/weights.safetensors", state, {"format": "pt", "arch": a.arch})
    with torch.no_grad():
        out, features = run(x)
    nhwc = lambda t: t.permute(0, 2, 3, 1).contiguous() if t.dim() == 4 else t
    with open(f"{a.out}/input.bin", "wb") as f:
        f.write(nhwc(x).numpy().astype("<f4").tobytes())
    with open(f"{a.out}/eval.bin", "wb") as f:
        f.write(out.numpy().astype("<f4").tobytes())
        f.write(nhwc(features).numpy().astype("<f4").tobytes())
    if a.image:
        from PIL import Image
        import numpy as np
        pixels = np.asarray(Image.open(a.image).convert("RGB"), dtype=np.float32) / 255.0
        mean = np.array([0.485, 0.456, 0.406], dtype=np.float32)
        std = np.array([0.229, 0.224, 0.225], dtype=np.float32)
        img = torch.from_numpy(((pixels - mean) / std).transpose(2, 0, 1).copy()).unsqueeze(0)
        with torch.no_grad():
            image_out, _ = run(img)
        with open(f"{a.out}/image.json", "w") as f:
            json.dump({"image": a.image, "output": image_out[0].tolist()}, f)
    net.train()
    with torch.no_grad():
        net(x)
    stats = {k: v for k, v in net.state_dict().items() if k.endswith("running_mean") or k.endswith("running_var")}
    if a.names == "timm":
        stats = {timm_name(a.arch, k): v for k, v in stats.items()}
    write_safetensors(f"{a.out}/train.safetensors", stats, {"format": "pt"})
    meta = {
        "arch": a.arch,
        "size": a.size,
        "batch": a.batch,
        "seed": a.seed,
        "torch": torch.__version__,
        "torchvision": torchvision.__version__,
        "output": list(out.shape),
        "features": list(nhwc(features).shape),
    }
    with open(f"{a.out}/meta.json", "w") as f:
        json.dump(meta, f)


if __name__ == "__main__":
    main()
