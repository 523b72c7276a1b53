"""Reference values for the verification protocol on all pairs (src/core/train/verificationPairs.ts
and evaluateVerification in src/core/evaluate/evaluatePredictions.ts).

Run with a Python that has scikit-learn and numpy (here: /usr/bin/python3, scikit-learn 1.2.1,
numpy 1.24.2):  /usr/bin/python3 test/reference/verification_all_pairs.py

Embeddings are multiples of 1/64 (exact in float32, so the TypeScript side reads the same
numbers). Every pair i < j of the samples is scored by cosine similarity (itertools.combinations,
no sampling, nothing drawn twice); AUC is sklearn.metrics.roc_auc_score on those scores and the
EER is derived from sklearn's roc_curve by the rule in metrics_verification.py.
"""
import itertools
import json

import numpy as np
import sklearn
from sklearn.metrics import roc_auc_score, roc_curve

print("# sklearn", sklearn.__version__, "numpy", np.__version__)

rng = np.random.default_rng(26)
images_per_identity = [3, 4, 2, 5, 3, 3]
dim = 8
identities = []
embeddings = []
for identity, count in enumerate(images_per_identity):
    centre = rng.integers(-40, 41, size=dim)
    for _ in range(count):
        identities.append(identity)
        embeddings.append(((centre + rng.integers(-30, 31, size=dim)) / 64).tolist())

X = np.array(embeddings, dtype=np.float64)
labels, scores = [], []
for a, b in itertools.combinations(range(len(identities)), 2):
    labels.append(1 if identities[a] == identities[b] else 0)
    scores.append(float(X[a] @ X[b] / np.sqrt((X[a] @ X[a]) * (X[b] @ X[b]))))
labels = np.array(labels)
scores = np.array(scores)


def eer(labels, scores):
    """First ROC point i with FNR <= FPR; linear interpolation of (FPR - FNR) between i-1 and i."""
    fpr, tpr, _ = roc_curve(labels, scores, drop_intermediate=False)
    d = fpr - (1 - tpr)
    i = int(np.argmax(d >= 0))
    t = d[i - 1] / (d[i - 1] - d[i])
    return fpr[i - 1] + t * (fpr[i] - fpr[i - 1])


print(json.dumps({
    "identities": identities,
    "embeddings": embeddings,
    "pairs": int(len(labels)),
    "genuine": int(labels.sum()),
    "impostor": int(len(labels) - labels.sum()),
    "auc": float(roc_auc_score(labels, scores)),
    "eer": float(eer(labels, scores)),
    "distinctScores": int(len(np.unique(scores))),
}))
