"""Reference values for src/core/losses/softmaxCrossEntropy.test.ts.

torch.nn.CrossEntropyLoss(label_smoothing=...) in float64, for class-index and soft
(mixup-style) targets: the loss and its gradient w.r.t. the logits.
Run: python3 test/reference/losses_softmaxCrossEntropy.py
"""
import json

import torch

torch.set_default_dtype(torch.float64)

LOGITS = [
    [1.2, -0.7, 0.3, 2.1, -1.5],
    [-0.4, 0.9, 1.8, -2.2, 0.05],
    [3.0, 2.5, -1.0, 0.0, 0.7],
    [-1.1, -0.3, 0.6, 1.4, -0.8],
]
INDICES = [3, 1, 0, 2]
# Mixup of two one-hot rows with lambda 0.7 / 0.25, and two plain distributions.
SOFT = [
    [0.0, 0.0, 0.3, 0.7, 0.0],
    [0.75, 0.25, 0.0, 0.0, 0.0],
    [0.1, 0.2, 0.3, 0.2, 0.2],
    [0.0, 0.0, 0.0, 0.0, 1.0],
]
# Logits far beyond exp's float32 range, to check the log-softmax is stable.
LARGE = [[1000.0, 998.0, -1000.0], [-500.0, 700.0, 690.0]]
LARGE_INDICES = [1, 2]


def case(logits, target, smoothing):
    x = torch.tensor(logits, requires_grad=True)
    loss = torch.nn.CrossEntropyLoss(label_smoothing=smoothing)(x, target)
    loss.backward()
    return {"loss": loss.item(), "grad": x.grad.tolist()}


out = {
    "torch": torch.__version__,
    "indices_s0": case(LOGITS, torch.tensor(INDICES), 0.0),
    "indices_s01": case(LOGITS, torch.tensor(INDICES), 0.1),
    "soft_s0": case(LOGITS, torch.tensor(SOFT), 0.0),
    "soft_s02": case(LOGITS, torch.tensor(SOFT), 0.2),
    "large_s0": case(LARGE, torch.tensor(LARGE_INDICES), 0.0),
}
for key, value in out.items():
    print(f"{key}: {json.dumps(value)}")
