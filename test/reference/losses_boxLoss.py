"""Reference values for src/core/losses/boxLoss.test.ts.

- 'seed001': seed 001's localization_loss (a TensorFlow function in the seed report),
  transcribed to torch: sum over the batch of the squared (x1, y1) error plus the squared
  width and height errors.
- 'giou': torchvision.ops.generalized_box_iou_loss(reduction='mean'), or, where
  torchvision is missing, the same formula written out here.
- 'l1': torch.nn.L1Loss() (mean over every coordinate).
Prints each loss and its gradient w.r.t. the predicted boxes, in float64.
Run: python3 test/reference/losses_boxLoss.py
"""
import json

import torch

torch.set_default_dtype(torch.float64)

Y_TRUE = [
    [0.10, 0.20, 0.50, 0.60],
    [0.30, 0.30, 0.70, 0.90],
    [0.05, 0.10, 0.25, 0.35],
    [0.40, 0.45, 0.80, 0.75],
]
# Overlapping, inside the true box, disjoint from it, enclosing it.
Y_PRED = [
    [0.12, 0.18, 0.47, 0.66],
    [0.35, 0.32, 0.62, 0.81],
    [0.55, 0.60, 0.90, 0.95],
    [0.30, 0.40, 0.85, 0.85],
]


def seed001_loss(y_true, yhat):
    delta_coord = torch.sum(torch.square(y_true[:, :2] - yhat[:, :2]))
    h_true = y_true[:, 3] - y_true[:, 1]
    w_true = y_true[:, 2] - y_true[:, 0]
    h_pred = yhat[:, 3] - yhat[:, 1]
    w_pred = yhat[:, 2] - yhat[:, 0]
    delta_size = torch.sum(torch.square(w_true - w_pred) + torch.square(h_true - h_pred))
    return delta_coord + delta_size


def giou_loss(y_true, yhat):
    try:
        from torchvision.ops import generalized_box_iou_loss

        return generalized_box_iou_loss(yhat, y_true, reduction="mean"), "torchvision"
    except ImportError:
        eps = 1e-7
        x1, y1, x2, y2 = yhat.unbind(-1)
        a1, b1, a2, b2 = y_true.unbind(-1)
        iw = (torch.min(x2, a2) - torch.max(x1, a1)).clamp(min=0)
        ih = (torch.min(y2, b2) - torch.max(y1, b1)).clamp(min=0)
        inter = iw * ih
        union = (x2 - x1) * (y2 - y1) + (a2 - a1) * (b2 - b1) - inter
        iou = inter / (union + eps)
        enclosure = (torch.max(x2, a2) - torch.min(x1, a1)) * (torch.max(y2, b2) - torch.min(y1, b1))
        return (1 - (iou - (enclosure - union) / (enclosure + eps))).mean(), "re-implementation"


def run(kind):
    y_true = torch.tensor(Y_TRUE)
    y_pred = torch.tensor(Y_PRED, requires_grad=True)
    source = "torch"
    if kind == "seed001":
        loss = seed001_loss(y_true, y_pred)
    elif kind == "giou":
        loss, source = giou_loss(y_true, y_pred)
    else:
        loss = torch.nn.L1Loss()(y_pred, y_true)
    loss.backward()
    return {"source": source, "loss": loss.item(), "grad": y_pred.grad.tolist()}


if __name__ == "__main__":
    print(f"torch: {torch.__version__}")
    for kind in ("seed001", "giou", "l1"):
        print(f"{kind}: {json.dumps(run(kind))}")
