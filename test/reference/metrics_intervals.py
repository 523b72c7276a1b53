"""Reference values for src/core/metrics/wilsonInterval.ts and bootstrapInterval.ts.

Run with Debian's Python (here: /usr/bin/python3, SciPy 1.10.1, NumPy 1.24,
scikit-learn 1.2.1):  /usr/bin/python3 test/reference/metrics_intervals.py

Wilson score intervals: scipy.stats.binomtest(k, n).proportion_ci(confidence_level=0.95,
method="wilson") (statsmodels' proportion_confint(method="wilson") gives the same; it is
not packaged on this machine).

Bootstrap: a percentile bootstrap of ROC AUC (sklearn.metrics.roc_auc_score) and of the
interpolated EER (the rule of metrics_verification.py over sklearn's roc_curve), both
classes resampled separately with replacement (stratified, so every resample keeps
genuine and impostor pairs), 20000 resamples of NumPy's default_rng(0), 2.5th and 97.5th
percentiles (numpy.percentile, linear). The TypeScript bootstrap draws with its own
seeded generator and fewer resamples, so its bounds agree to Monte-Carlo error, not to
the digit; the tests say by how much.
"""
import json

import numpy as np
import scipy
from scipy.stats import binomtest
from sklearn.metrics import roc_auc_score, roc_curve

print("# scipy", scipy.__version__, "numpy", np.__version__)

WILSON_CASES = [(0, 1), (1, 1), (0, 10), (1, 10), (5, 10), (10, 10), (3, 9), (2, 6), (33, 100), (97, 100), (250, 1000)]
rows = []
for k, n in WILSON_CASES:
    ci = binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
    rows.append({"k": k, "n": n, "low": float(ci.low), "high": float(ci.high)})
print("wilsonReference =", json.dumps(rows))


def eer(labels, scores):
    fpr, tpr, thr = roc_curve(labels, scores, drop_intermediate=False)
    gap = fpr - (1 - tpr)
    i = int(np.argmax(gap >= 0))
    if gap[i] == 0:
        return float(fpr[i])
    t = gap[i - 1] / (gap[i - 1] - gap[i])
    return float(fpr[i - 1] + t * (fpr[i] - fpr[i - 1]))


# 60 pairs drawn here (30 genuine, 30 impostor, scores to 2 decimals so ties occur), pasted into
# src/core/metrics/fixtures/intervalData.ts.
rng = np.random.default_rng(7)
labels = np.array([1] * 30 + [0] * 30)
scores = np.round(np.concatenate([rng.normal(0.55, 0.15, 30), rng.normal(0.35, 0.15, 30)]).clip(0, 1), 2)
print("bootstrapScores =", json.dumps(scores.tolist()))
print("bootstrapLabels =", json.dumps(labels.tolist()))
print("auc =", roc_auc_score(labels, scores), "eer =", eer(labels, scores))
gen = np.flatnonzero(labels == 1)
imp = np.flatnonzero(labels == 0)
boot = np.random.default_rng(0)
aucs, eers = [], []
for _ in range(20000):
    idx = np.concatenate([boot.choice(gen, gen.size), boot.choice(imp, imp.size)])
    aucs.append(roc_auc_score(labels[idx], scores[idx]))
    eers.append(eer(labels[idx], scores[idx]))
print("aucInterval =", json.dumps([float(np.percentile(aucs, 2.5)), float(np.percentile(aucs, 97.5))]))
print("eerInterval =", json.dumps([float(np.percentile(eers, 2.5)), float(np.percentile(eers, 97.5))]))

# The mean of a sample (a detection's mean IoU), resampled whole.
ious = np.round(rng.uniform(0, 1, 40) ** 2, 3)
print("meanSample =", json.dumps(ious.tolist()))
means = [ious[boot.integers(0, ious.size, ious.size)].mean() for _ in range(20000)]
print("mean =", float(ious.mean()), "meanInterval =", json.dumps([float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5))]))

# Macro F1 (sklearn f1_score(average="macro", labels=0..3, zero_division=0)) and ECE (10 equal
# bins over (0, 1], bin m holding m/10 < confidence <= (m+1)/10, the rule of
# expectedCalibrationError.ts) of the 4-class predictions in
# src/core/evaluate/fixtures/evaluateReference.ts, each resampled whole 20000 times.
from pathlib import Path

from sklearn.metrics import f1_score

text = Path(__file__).resolve().parents[2].joinpath("src/core/evaluate/fixtures/evaluateReference.ts").read_text()
ref = json.loads(text[text.index("{"): text.rindex("}") + 1])
probs = np.array(ref["probs"])
y = np.array(ref["labels"])
pred = probs.argmax(1)
conf = probs.max(1)


def ece(idx):
    c, ok = conf[idx], (pred[idx] == y[idx])
    total = 0.0
    for m in range(10):
        sel = (c > m / 10) & (c <= (m + 1) / 10) if m > 0 else (c <= 0.1)
        if sel.any():
            total += sel.sum() / idx.size * abs(ok[sel].mean() - c[sel].mean())
    return total


all_idx = np.arange(y.size)
f1s, eces = [], []
for _ in range(20000):
    idx = boot.integers(0, y.size, y.size)
    f1s.append(f1_score(y[idx], pred[idx], average="macro", labels=[0, 1, 2, 3], zero_division=0))
    eces.append(ece(idx))
print("macroF1 =", f1_score(y, pred, average="macro", labels=[0, 1, 2, 3], zero_division=0), "ece =", ece(all_idx))
print("macroF1Interval =", json.dumps([float(np.percentile(f1s, 2.5)), float(np.percentile(f1s, 97.5))]))
print("eceInterval =", json.dumps([float(np.percentile(eces, 2.5)), float(np.percentile(eces, 97.5))]))
