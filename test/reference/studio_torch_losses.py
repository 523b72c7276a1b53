#!/usr/bin/python3
"""The PyTorch engine's losses (python/studio_torch/losses.py) against the reference scripts.

Prints, as JSON, the largest difference of each loss and its gradients from what
losses_marginHead.py, losses_boxLoss.py and losses_softmaxCrossEntropy.py compute.
Run: PYTHONPATH=python /usr/bin/python3 test/reference/studio_torch_losses.py
"""
import contextlib
import importlib.util
import io
import json
import os

import torch

from studio_torch.losses import MarginHead, box_loss, cross_entropy

torch.set_default_dtype(torch.float64)
HERE = os.path.dirname(os.path.abspath(__file__))


def load(name):
    spec = importlib.util.spec_from_file_location(name, os.path.join(HERE, f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    # The scripts print their own values when run; only their functions are wanted here.
    with contextlib.redirect_stdout(io.StringIO()):
        spec.loader.exec_module(module)
    return module


def worst(*pairs):
    return max(float((torch.as_tensor(a) - torch.as_tensor(b)).abs().max()) for a, b in pairs)


out = {}
margin = load("losses_marginHead")
for kind, s, m, alpha in [("arcface", 30, 0.5, 0.0), ("cosface", 30, 0.35, 0.0), ("cdml", 64, 0.49, 0.2)]:
    ref = margin.run(kind, s, m, alpha)
    head = MarginHead({"type": kind, "scale": s, "margin": m, "alpha": alpha}, len(margin.W), len(margin.W[0]), 0)
    with torch.no_grad():
        head.weight.copy_(torch.tensor(margin.W))
    emb = torch.tensor(margin.EMBEDDINGS, requires_grad=True)
    loss, _ = head(emb, torch.tensor(margin.LABELS))
    loss.backward()
    out[kind] = worst((loss.item(), ref["loss"]), (emb.grad, ref["gradEmbeddings"]), (head.weight.grad, ref["gradW"]))

boxes = load("losses_boxLoss")
for kind in ("seed001", "giou", "l1"):
    ref = boxes.run(kind)
    pred = torch.tensor(boxes.Y_PRED, requires_grad=True)
    loss = box_loss(kind, torch.tensor(boxes.Y_TRUE), pred)
    loss.backward()
    out[f"box_{kind}"] = worst((loss.item(), ref["loss"]), (pred.grad, ref["grad"]))

ce = load("losses_softmaxCrossEntropy")
for name, target, smoothing in [("ce_indices", ce.INDICES, 0.1), ("ce_soft", ce.SOFT, 0.2)]:
    target = torch.tensor(target)
    ref = ce.case(ce.LOGITS, target, smoothing)
    logits = torch.tensor(ce.LOGITS, requires_grad=True)
    soft = target if target.dim() == 2 else None
    loss = cross_entropy(logits, target if soft is None else None, soft, smoothing)
    loss.backward()
    out[name] = worst((loss.item(), ref["loss"]), (logits.grad, ref["grad"]))

print(json.dumps(out))
