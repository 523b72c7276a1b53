"""Reference values for src/core/metrics classification metrics.

Run with a Python that has scikit-learn and numpy (here: /usr/bin/python3,
scikit-learn 1.2.1, numpy 1.24):  /usr/bin/python3 test/reference/metrics_classification.py

Produces the data and the expected values pasted into
  topKAccuracy.test.ts, confusionMatrix.test.ts, classificationReport.test.ts.
Library functions: sklearn.metrics.top_k_accuracy_score, confusion_matrix,
precision_recall_fscore_support(zero_division=0), accuracy_score.
"""
import json

import numpy as np
import sklearn
from sklearn.metrics import (
    accuracy_score,
    confusion_matrix,
    precision_recall_fscore_support,
    top_k_accuracy_score,
)

print("# sklearn", sklearn.__version__)
rng = np.random.default_rng(2024)

# 24 samples over 5 classes; probabilities rounded to 4 decimals (no ties within a row).
n, c = 24, 5
logits = rng.normal(size=(n, c)) * 1.5
probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
probs = np.round(probs, 4)
for row in probs:
    assert len(set(row.tolist())) == c, "a tie slipped in"
y_true = rng.integers(0, c, size=n)
y_pred = probs.argmax(axis=1)

print("probs =", json.dumps(probs.tolist()))
print("yTrue =", json.dumps(y_true.tolist()))
print("yPred =", json.dumps(y_pred.tolist()))
for k in (1, 2, 3, 4, 5):
    print(f"top{k} =", repr(top_k_accuracy_score(y_true, probs, k=k, labels=list(range(c)))))

# The report is asked for 6 classes: class 5 never occurs in either array, which
# exercises zero_division=0 for an absent class inside the macro average.
num_classes = 6
labels = list(range(num_classes))
cm = confusion_matrix(y_true, y_pred, labels=labels)
print("confusion =", json.dumps(cm.tolist()))
print("accuracy =", repr(accuracy_score(y_true, y_pred)))
p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0)
print("precision =", json.dumps(p.tolist()))
print("recall =", json.dumps(r.tolist()))
print("f1 =", json.dumps(f.tolist()))
print("support =", json.dumps(s.tolist()))
for avg in ("macro", "weighted"):
    p, r, f, _ = precision_recall_fscore_support(
        y_true, y_pred, labels=labels, average=avg, zero_division=0
    )
    print(f"{avg} =", json.dumps({"precision": p, "recall": r, "f1": f}))
