"""PyTorch's training throughput on the studio bench's GPU cases, for scale (issue 6).

The same architectures as the studio's zoo at full width (torchvision's resnet18,
mobilenet_v2 and efficientnet_b0, whose parameter and MAC counts the zoo's tests match; the
studio's smallCnn written out below), 4 classes, inputs uniform in [0, 1) at 112 px,
Adam at 1e-3, softmax cross-entropy, batch 32 and 64: the cases of `studio bench --gpu`.
Strict float32 (TF32 off), as WebGPU trains; cudnn.benchmark on, as a tuned PyTorch run
would have it. Three warm-up steps, then `--steps` timed steps ending in a synchronize.

Run: python3 torchBench.py [--device cuda] [--size 112] [--batch 32,64] [--steps 20] [--out FILE]
"""
import argparse
import json
import time

import torch
import torch.nn as nn
import torchvision.models as tvm


def small_cnn(classes: int) -> nn.Module:
    """src/core/models/smallCnn.ts: three stages of (conv3x3 -> BN -> ReLU) x 2 -> max-pool 2, global average pool, dense."""
    layers: list[nn.Module] = []
    channels = 3
    for filters in (32, 64, 128):
        for _ in range(2):
            layers += [nn.Conv2d(channels, filters, 3, padding=1, bias=False), nn.BatchNorm2d(filters), nn.ReLU(inplace=True)]
            channels = filters
        layers.append(nn.MaxPool2d(2, ceil_mode=True))
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(channels, classes))


MODELS = {
    "smallCnn": small_cnn,
    "resnet18": lambda classes: tvm.resnet18(num_classes=classes),
    "mobilenetV2": lambda classes: tvm.mobilenet_v2(num_classes=classes),
    "efficientnetB0": lambda classes: tvm.efficientnet_b0(num_classes=classes),
}


def samples_per_sec(name: str, batch: int, size: int, steps: int, device: torch.device) -> float:
    torch.manual_seed(1)
    model = MODELS[name](4).to(device).train()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    x = torch.rand(batch, 3, size, size, device=device)
    y = torch.arange(batch, device=device) % 4
    loss_fn = nn.CrossEntropyLoss()

    def step() -> None:
        opt.zero_grad(set_to_none=True)
        loss_fn(model(x), y).backward()
        opt.step()

    for _ in range(3):
        step()
    if device.type == "cuda":
        torch.cuda.synchronize()
    start = time.perf_counter()
    for _ in range(steps):
        step()
    if device.type == "cuda":
        torch.cuda.synchronize()
    return steps * batch / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--models", default=",".join(MODELS))
    parser.add_argument("--size", type=int, default=112)
    parser.add_argument("--batch", default="32,64")
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--out")
    args = parser.parse_args()
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cudnn.benchmark = True
    device = torch.device(args.device)
    gpu = torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu"
    print(f"PyTorch {torch.__version__} on {gpu}: float32, Adam, {args.size} px, {args.steps} timed steps")
    rows = []
    for name in args.models.split(","):
        for batch in (int(b) for b in args.batch.split(",")):
            rate = samples_per_sec(name, batch, args.size, args.steps, device)
            rows.append({"architecture": name, "width": 1, "inputSize": args.size, "batchSize": batch, "samplesPerSec": rate})
            print(f"{name:16} batch {batch:3}: {rate:9.1f} img/s", flush=True)
    if args.out:
        with open(args.out, "w") as f:
            json.dump({"torch": torch.__version__, "device": gpu, "rows": rows}, f, indent=2)


if __name__ == "__main__":
    main()
