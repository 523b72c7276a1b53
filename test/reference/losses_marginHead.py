"""Reference values for src/core/losses/marginHead.test.ts.

An independent torch re-implementation (float64) of the three margin heads:
ArcFace as insightface writes it (easy_margin = False), CosFace, and CDML as read in
src/core/losses/marginHead.ts (ArcFace with m_i = clip(m(1 + a d_i), 0.8m, 1.2m),
d_i = cos_y_i - mean cos_y, computed from detached values). Embeddings and W columns are
normalized with torch.nn.functional.normalize; the loss is torch.nn.CrossEntropyLoss.
Prints the loss and its gradients w.r.t. the embeddings and W.
Run: python3 test/reference/losses_marginHead.py
"""
import json
import math

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)

W = [
    [0.8, -0.3, 0.1],
    [0.2, 0.9, -0.5],
    [-0.4, 0.1, 0.7],
    [0.3, -0.2, 0.6],
]
EMBEDDINGS = [
    [1.0, 0.3, -0.5, 0.2],
    [-0.2, 1.1, 0.3, 0.1],
    [0.5, 0.4, 0.3, -0.6],
    [-0.75, -0.25, 0.45, -0.3],
    [0.6, 0.2, -0.1, 0.9],
]
LABELS = [0, 1, 2, 0, 1]


def arc_target(cos_y, m):
    """insightface ArcMarginProduct for the target column; m may be a per-sample tensor."""
    m = torch.as_tensor(m)
    sine = torch.sqrt((1.0 - cos_y * cos_y).clamp(1e-12, 1.0))
    phi = cos_y * torch.cos(m) - sine * torch.sin(m)
    th = torch.cos(math.pi - m)
    mm = torch.sin(math.pi - m) * m
    return torch.where(cos_y > th, phi, cos_y - mm)


def cdml_margin(cos_y, m, alpha):
    fixed = cos_y.detach()
    d = fixed - fixed.mean()
    return torch.clamp(m * (1 + alpha * d), 0.8 * m, 1.2 * m)


def run(kind, s, m, alpha=0.0):
    emb = torch.tensor(EMBEDDINGS, requires_grad=True)
    w = torch.tensor(W, requires_grad=True)
    labels = torch.tensor(LABELS)
    cos = F.normalize(emb, dim=1) @ F.normalize(w, dim=0)
    one_hot = F.one_hot(labels, cos.shape[1]).to(cos.dtype)
    cos_y = (cos * one_hot).sum(dim=1, keepdim=True)
    extra = {}
    if kind == "arcface":
        target = arc_target(cos_y, m)
    elif kind == "cosface":
        target = cos_y - m
    else:
        margins = cdml_margin(cos_y, m, alpha)
        extra["margins"] = margins.flatten().tolist()
        target = arc_target(cos_y, margins)
    logits = s * (one_hot * target + (1 - one_hot) * cos)
    loss = torch.nn.CrossEntropyLoss()(logits, labels)
    loss.backward()
    return {
        "loss": loss.item(),
        "logits": logits.tolist(),
        "gradEmbeddings": emb.grad.tolist(),
        "gradW": w.grad.tolist(),
        **extra,
    }


with torch.no_grad():
    cosine = F.normalize(torch.tensor(EMBEDDINGS), dim=1) @ F.normalize(torch.tensor(W), dim=0)
out = {
    "torch": torch.__version__,
    "cosine": cosine.tolist(),
    "arcface_s30_m05": run("arcface", 30.0, 0.5),
    "cosface_s30_m035": run("cosface", 30.0, 0.35),
    "cdml_s64_m049_a02": run("cdml", 64.0, 0.49, 0.2),
    "cdml_s64_m049_a15": run("cdml", 64.0, 0.49, 1.5),
}
for key, value in out.items():
    print(f"{key}: {json.dumps(value)}")
