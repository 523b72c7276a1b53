"""Reference values for src/core/losses/multiTaskLoss.test.ts.

Seed 001's total loss, loc + 0.5 * class: its localization_loss (see losses_boxLoss.py)
plus torch.nn.CrossEntropyLoss on the class logits, in float64. Prints the total, the
unweighted parts and the gradients w.r.t. the predicted boxes and the class logits.
Run: python3 test/reference/losses_multiTaskLoss.py
"""
import json

import torch

from losses_boxLoss import Y_PRED, Y_TRUE, seed001_loss

torch.set_default_dtype(torch.float64)

CLASS_LOGITS = [
    [2.0, -1.0, 0.5],
    [0.1, 0.3, -0.4],
    [-1.2, 0.8, 1.9],
    [0.0, 1.5, -0.5],
]
CLASS_LABELS = [0, 2, 2, 1]

y_pred = torch.tensor(Y_PRED, requires_grad=True)
logits = torch.tensor(CLASS_LOGITS, requires_grad=True)
loc = seed001_loss(torch.tensor(Y_TRUE), y_pred)
cls = torch.nn.CrossEntropyLoss()(logits, torch.tensor(CLASS_LABELS))
total = 1.0 * loc + 0.5 * cls
total.backward()
print(f"torch: {torch.__version__}")
print(
    "ref: "
    + json.dumps(
        {
            "total": total.item(),
            "loc": loc.item(),
            "class": cls.item(),
            "gradBoxes": y_pred.grad.tolist(),
            "gradLogits": logits.grad.tolist(),
        }
    )
)
