#!/usr/bin/python3
"""Reference parameter trajectories for src/core/optim/createOptimizer.test.ts.

Run: /usr/bin/python3 test/reference/optim_optimizers.py
Two parameters (a 2x3 weight and a bias of 3, so the bias counts as a no-decay parameter)
take four steps of torch.optim.SGD / Adam / AdamW with fixed gradients and a different lr
at each step; the script prints the parameters after every step. The inputs below are
copied verbatim into the test.
"""
import json

import torch

W0 = [[0.5, -0.3, 0.8], [-1.2, 0.05, 0.7]]
B0 = [0.1, -0.2, 0.3]
GRADS = [
    ([[0.2, -0.1, 0.4], [0.3, -0.5, 0.05]], [0.1, 0.2, -0.3]),
    ([[-0.4, 0.25, 0.1], [0.6, 0.2, -0.1]], [-0.05, 0.4, 0.2]),
    ([[0.05, -0.3, -0.2], [0.1, 0.15, 0.3]], [0.3, -0.1, 0.05]),
    ([[0.3, 0.1, -0.6], [-0.2, 0.4, 0.25]], [0.02, -0.25, 0.15]),
]
SGD_LRS = [0.1, 0.05, 0.2, 0.01]
ADAM_LRS = [0.01, 0.005, 0.02, 0.001]

CASES = {
    "sgdPlain": (torch.optim.SGD, SGD_LRS, dict(), False),
    "sgdMomentumDecay": (torch.optim.SGD, SGD_LRS, dict(momentum=0.9, weight_decay=0.01), False),
    "sgdNesterovNoDecay": (torch.optim.SGD, SGD_LRS, dict(momentum=0.8, nesterov=True, weight_decay=0.05), True),
    "adamDecay": (torch.optim.Adam, ADAM_LRS, dict(weight_decay=0.01), False),
    "adamNoDecay": (torch.optim.Adam, ADAM_LRS, dict(betas=(0.8, 0.95), eps=1e-6, weight_decay=0.1), True),
    "adamw": (torch.optim.AdamW, ADAM_LRS, dict(betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1), False),
    "adamwNoDecay": (torch.optim.AdamW, ADAM_LRS, dict(weight_decay=0.5), True),
    # The weight as a backbone at a tenth of the lr (backboneLrFactor 0.1): its own param group.
    "adamwBackbone": (torch.optim.AdamW, ADAM_LRS, dict(betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1), "backbone"),
    "sgdMomentumBackbone": (torch.optim.SGD, SGD_LRS, dict(momentum=0.9, weight_decay=0.01), "backbone"),
    # The weight frozen (requires_grad off: no grad, so torch keeps no state for it) for the
    # first JOINS_AT steps, then unfrozen as a backbone: its Adam step count starts at 1 then.
    "adamwJoinsLate": (torch.optim.AdamW, ADAM_LRS, dict(betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1), "late"),
    "adamJoinsLate": (torch.optim.Adam, ADAM_LRS, dict(weight_decay=0.01), "late"),
    "sgdMomentumJoinsLate": (torch.optim.SGD, SGD_LRS, dict(momentum=0.9, weight_decay=0.01), "late"),
}
JOINS_AT = 2
BACKBONE_LR_FACTOR = 0.1


def run(cls, lrs, kw, no_decay_bias):
    w = torch.nn.Parameter(torch.tensor(W0, dtype=torch.float32))
    b = torch.nn.Parameter(torch.tensor(B0, dtype=torch.float32))
    scale = [1.0, 1.0]
    if no_decay_bias in ("backbone", "late"):
        groups = [{"params": [w]}, {"params": [b]}]
        scale = [BACKBONE_LR_FACTOR, 1.0]
    elif no_decay_bias:
        groups = [{"params": [w]}, {"params": [b], "weight_decay": 0.0}]
    else:
        groups = [{"params": [w, b]}]
    opt = cls(groups, lr=lrs[0], **kw)
    out = []
    for t, ((gw, gb), lr) in enumerate(zip(GRADS, lrs)):
        for g, k in zip(opt.param_groups, scale):
            g["lr"] = lr * k
        frozen = no_decay_bias == "late" and t < JOINS_AT
        w.grad = None if frozen else torch.tensor(gw, dtype=torch.float32)
        b.grad = torch.tensor(gb, dtype=torch.float32)
        opt.step()
        out.append([w.detach().flatten().tolist(), b.detach().tolist()])
    return out


ref = {"torch": torch.__version__}
for name, (cls, lrs, kw, nd) in CASES.items():
    ref[name] = run(cls, lrs, kw, nd)
print(json.dumps(ref))
