#!/usr/bin/python3
"""Reference values for src/core/optim/clipByGlobalNorm.test.ts.

Run: /usr/bin/python3 test/reference/optim_clip.py
torch.nn.utils.clip_grad_norm_ on two gradients, once with a max_norm that clips and once
with one that does not; prints the returned total norm and the clipped gradients.
"""
import json

import torch

G1 = [[0.3, -1.2, 2.0], [0.5, 0.0, -0.7]]
G2 = [1.5, -0.25]


def clip(max_norm):
    a = torch.nn.Parameter(torch.zeros(2, 3))
    b = torch.nn.Parameter(torch.zeros(2))
    a.grad = torch.tensor(G1)
    b.grad = torch.tensor(G2)
    norm = torch.nn.utils.clip_grad_norm_([a, b], max_norm)
    return {"norm": norm.item(), "g1": a.grad.flatten().tolist(), "g2": b.grad.tolist()}


print(json.dumps({"torch": torch.__version__, "clipped": clip(1.0), "unclipped": clip(10.0)}))
