"""Reference values for the zoo's small building blocks (src/core/models/*.test.ts).

- torchvision.models._utils._make_divisible(v, 8) for a spread of widths;
- torch.nn.functional.hardsigmoid / hardswish (MobileNetV3's activations);
- torch.nn.functional.normalize(x, dim=1) (the embedding head's L2 normalization).
Run: /usr/bin/python3 test/reference/models_layers.py   (Debian python3-torch 1.13 + python3-torchvision 0.14)
"""
import json

import torch
import torch.nn.functional as F
from torchvision.models._utils import _make_divisible

torch.set_default_dtype(torch.float64)

DIVISIBLE_INPUTS = [3.9, 4, 8, 11.9, 12, 16 * 0.25, 16 * 0.35, 24 * 0.5, 32 * 0.75, 96 * 0.35, 1280 * 1.3, 57.6, 100, 123.4]
ACTIVATION_INPUTS = [-5.0, -3.0, -2.5, -1.0, -0.25, 0.0, 0.5, 1.5, 2.999, 3.0, 4.0]
NORMALIZE_INPUT = [[3.0, 4.0, 0.0], [1.0, -2.0, 2.0], [0.0, 0.0, 0.0], [1e-13, 0.0, 0.0]]

x = torch.tensor(ACTIVATION_INPUTS)
print(
    json.dumps(
        {
            "makeDivisible": {"inputs": DIVISIBLE_INPUTS, "outputs": [_make_divisible(v, 8) for v in DIVISIBLE_INPUTS]},
            "activations": {
                "inputs": ACTIVATION_INPUTS,
                "hardsigmoid": F.hardsigmoid(x).tolist(),
                "hardswish": F.hardswish(x).tolist(),
            },
            "normalize": {"input": NORMALIZE_INPUT, "output": F.normalize(torch.tensor(NORMALIZE_INPUT), dim=1).tolist()},
        }
    )
)
