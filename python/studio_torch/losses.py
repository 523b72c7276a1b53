"""The objective a spec trains against (src/core/train/createObjective.ts), in PyTorch.

compute(outputs, labels, soft, boxes) → (total, parts, correct): the mean loss, its
unweighted parts (class_loss, box_loss) and the number of samples classified right.
"""
import math

import torch
from torch import nn
import torch.nn.functional as F

MARGIN_LOSSES = ("arcface", "cosface", "cdml")


def cross_entropy(logits, labels, soft=None, smoothing=0.0):
    """softmaxCrossEntropy.ts: class indices or soft targets (mixup), with label smoothing."""
    if soft is None:
        return F.cross_entropy(logits.float(), labels, label_smoothing=smoothing)
    classes = logits.shape[1]
    targets = soft * (1 - smoothing) + smoothing / classes if smoothing > 0 else soft
    return -(targets * F.log_softmax(logits.float(), dim=1)).sum(1).mean()


def box_loss(kind, true, pred):
    """boxLoss.ts: seed001 (summed squared corner and size errors), giou, l1 (mean)."""
    if kind == "l1":
        return (true - pred).abs().mean()
    tx1, ty1, tx2, ty2 = true.unbind(1)
    px1, py1, px2, py2 = pred.unbind(1)
    if kind == "seed001":
        corner = ((true[:, :2] - pred[:, :2]) ** 2).sum()
        return corner + (((tx2 - tx1) - (px2 - px1)) ** 2 + ((ty2 - ty1) - (py2 - py1)) ** 2).sum()
    eps = 1e-7
    inter = F.relu(torch.minimum(tx2, px2) - torch.maximum(tx1, px1)) * F.relu(torch.minimum(ty2, py2) - torch.maximum(ty1, py1))
    union = (tx2 - tx1) * (ty2 - ty1) + (px2 - px1) * (py2 - py1) - inter
    iou = inter / (union + eps)
    enclosure = (torch.maximum(tx2, px2) - torch.minimum(tx1, px1)) * (torch.maximum(ty2, py2) - torch.minimum(ty1, py1))
    giou = iou - (enclosure - union) / (enclosure + eps)
    return (1 - giou).mean()


def _arc_target(cos_y, m):
    """insightface's ArcFace target (easy_margin = False); m a number or a [B, 1] tensor."""
    m = torch.as_tensor(m, dtype=cos_y.dtype, device=cos_y.device)
    sine = torch.sqrt((1.0 - cos_y * cos_y).clamp(1e-12, 1.0))
    phi = cos_y * torch.cos(m) - sine * torch.sin(m)
    th = torch.cos(math.pi - m)
    mm = torch.sin(math.pi - m) * m
    return torch.where(cos_y > th, phi, cos_y - mm)


class MarginHead(nn.Module):
    """marginHead.ts: class centres `weight` [embeddingSize, rows], the tfjs variable's layout,
    so the `loss.*` tensor Node hands over and reads back needs no transposing."""

    def __init__(self, config, embedding_size, rows, seed):
        super().__init__()
        gen = torch.Generator().manual_seed(seed)
        std = math.sqrt(2.0 / (embedding_size + rows))
        self.weight = nn.Parameter(torch.randn(embedding_size, rows, generator=gen) * std)
        self.config = config

    def cosine(self, emb):
        return F.normalize(emb, dim=1) @ F.normalize(self.weight, dim=0)

    def forward(self, emb, rows):
        c = self.config
        cos = self.cosine(emb)
        one_hot = F.one_hot(rows, cos.shape[1]).to(cos.dtype)
        cos_y = (cos * one_hot).sum(1, keepdim=True)
        if c["type"] == "arcface":
            target = _arc_target(cos_y, c["margin"])
        elif c["type"] == "cosface":
            target = cos_y - c["margin"]
        else:
            fixed = cos_y.detach()
            margins = torch.clamp(c["margin"] * (1 + c["alpha"] * (fixed - fixed.mean())), 0.8 * c["margin"], 1.2 * c["margin"])
            target = _arc_target(cos_y, margins)
        logits = c["scale"] * (one_hot * target + (1 - one_hot) * cos)
        return F.cross_entropy(logits, rows), cos


def _correct(logits, labels):
    return (logits.argmax(1) == labels).sum().float()


class Objective(nn.Module):
    """The loss over the model's outputs; a margin head's centres are its parameters."""

    def __init__(self, spec, num_classes, row_of=None, seed=0):
        super().__init__()
        self.loss = spec["loss"]
        self.kind = spec["task"]["kind"]
        self.head = None
        if self.loss["type"] in MARGIN_LOSSES:
            rows = int(row_of.max().item()) + 1 if row_of is not None else num_classes
            self.head = MarginHead(self.loss, spec["model"]["embeddingSize"], rows, seed)
            self.register_buffer("row_of", row_of if row_of is not None else torch.arange(num_classes))

    def compute(self, outputs, labels, soft=None, boxes=None):
        loss = self.loss
        if self.head is not None:
            rows = self.row_of[labels]
            total, cos = self.head(outputs, rows)
            return total, {}, _correct(cos, rows)
        if loss["type"] == "multiTask":
            logits, pred_boxes = outputs
            class_loss = cross_entropy(logits, labels, soft, loss["labelSmoothing"])
            loc = box_loss(loss["box"], boxes, pred_boxes)
            total = loc * loss["boxWeight"] + class_loss * loss["classWeight"]
            return total, {"class_loss": class_loss, "box_loss": loc}, _correct(logits, labels)
        logits = outputs
        return cross_entropy(logits, labels, soft, loss.get("labelSmoothing", 0.0)), {}, _correct(logits, labels)
