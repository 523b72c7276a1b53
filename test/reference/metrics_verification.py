"""Reference values for src/core/metrics binary verification metrics.

Run with a Python that has scikit-learn and numpy (here: /usr/bin/python3,
scikit-learn 1.2.1, numpy 1.24):  /usr/bin/python3 test/reference/metrics_verification.py

Produces the data and expected values pasted into rocCurve / rocAuc / detCurve /
equalErrorRate / youdenThreshold / thresholdAtFar / rates / verificationAccuracy tests.
Library functions: sklearn.metrics.roc_curve(drop_intermediate=False), roc_auc_score,
det_curve, confusion_matrix, sklearn.model_selection.KFold(shuffle=False).
EER, Youden, FAR-target and LFW-fold values are derived here from sklearn's roc_curve /
KFold with numpy, by the rules written next to each block.
"""
import json

import numpy as np
import sklearn
from sklearn.metrics import confusion_matrix, det_curve, roc_auc_score, roc_curve
from sklearn.model_selection import KFold

print("# sklearn", sklearn.__version__)


def dump(name, values):
    print(name, "=", json.dumps([float(v) if np.isfinite(v) else "Infinity" for v in values]))


def roc(labels, scores):
    fpr, tpr, thr = roc_curve(labels, scores, drop_intermediate=False)
    # sklearn < 1.3 puts max(score) + 1 first; >= 1.3 puts inf, which is what the TS returns.
    thr = thr.astype(float)
    thr[0] = np.inf
    return fpr, tpr, thr


rng = np.random.default_rng(7)
# 60 pairs, cosine-like scores rounded to 2 decimals so there are ties within and
# across the two classes (sklearn's tie handling is part of what is checked).
labels = rng.integers(0, 2, size=60)
scores = np.where(labels == 1, rng.normal(0.6, 0.15, 60), rng.normal(0.35, 0.15, 60))
scores = np.round(scores, 2)
print("scores =", json.dumps(scores.tolist()))
print("labels =", json.dumps(labels.tolist()))
print("# positives", int(labels.sum()), "distinct scores", len(np.unique(scores)))

fpr, tpr, thr = roc(labels, scores)
dump("roc.fpr", fpr)
dump("roc.tpr", tpr)
dump("roc.thresholds", thr)
print("auc =", repr(roc_auc_score(labels, scores)))

dfpr, dfnr, dthr = det_curve(labels, scores)
dump("det.fpr", dfpr)
dump("det.fnr", dfnr)
dump("det.thresholds", dthr)


def eer(labels, scores):
    """First ROC point i with FNR <= FPR; linear interpolation of (FPR - FNR) between i-1 and i."""
    fpr, tpr, thr = roc(labels, scores)
    fnr = 1 - tpr
    d = fpr - fnr
    i = int(np.argmax(d >= 0))
    t = d[i - 1] / (d[i - 1] - d[i])
    value = fpr[i - 1] + t * (fpr[i] - fpr[i - 1])
    if np.isfinite(thr[i - 1]):
        threshold = thr[i - 1] + t * (thr[i] - thr[i - 1])
    else:
        threshold = thr[i]
    return value, threshold, fnr[i - 1] + t * (fnr[i] - fnr[i - 1])


e, et, efnr = eer(labels, scores)
print("eer =", repr(e), "threshold =", repr(et), "# fnr at the same point", repr(efnr))

# Exact case: at threshold 0.6, 1 of 4 impostors accepted and 1 of 4 genuine rejected.
ex_scores = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2])
ex_labels = np.array([1, 1, 1, 0, 1, 0, 0, 0])
e2, et2, _ = eer(ex_labels, ex_scores)
print("exact eer =", repr(e2), "threshold =", repr(et2))

# Youden: argmax of TPR - FPR over the ROC points, the Infinity point excluded; first max wins.
j = tpr[1:] - fpr[1:]
yi = int(np.argmax(j)) + 1
print("youden =", json.dumps({"threshold": thr[yi], "tpr": tpr[yi], "fpr": fpr[yi], "j": j[yi - 1]}))

# Lowest ROC threshold whose FPR <= target (the last such point, FPR being non-decreasing).
for target in (0.0, 0.05, 0.1, 0.25, 1.0):
    i = int(np.nonzero(fpr <= target)[0][-1])
    print(f"atFar {target} =", json.dumps({"threshold": thr[i] if np.isfinite(thr[i]) else "Infinity", "far": fpr[i], "frr": 1 - tpr[i]}))

# Live slider rates: accept iff score >= threshold.
for t in (0.2, 0.45, 0.5, 0.8):
    tn, fp, fn, tp = confusion_matrix(labels, (scores >= t).astype(int), labels=[0, 1]).ravel()
    far = fp / (fp + tn)
    frr = fn / (fn + tp)
    acc = (tp + tn) / len(labels)
    print(f"rates {t} =", json.dumps({"far": far, "frr": frr, "accuracy": acc, "tp": int(tp), "fp": int(fp), "tn": int(tn), "fn": int(fn)}))


def best_threshold(s, y):
    """Candidates: min score (accept all), midpoints of consecutive distinct scores,
    +inf (reject all), ascending; the first with the highest training accuracy wins."""
    u = np.unique(s)
    cands = np.concatenate([[u[0]], (u[:-1] + u[1:]) / 2, [np.inf]])
    accs = [np.mean((s >= c) == (y == 1)) for c in cands]
    return cands[int(np.argmax(accs))]


def lfw(scores, labels, folds):
    per_fold, thresholds = [], []
    for train, test in KFold(n_splits=folds, shuffle=False).split(scores):
        t = best_threshold(scores[train], labels[train])
        thresholds.append(t)
        per_fold.append(np.mean((scores[test] >= t) == (labels[test] == 1)))
    per_fold = np.array(per_fold)
    return per_fold.mean(), per_fold.std(), per_fold, thresholds


for folds in (10, 7):
    m, sd, pf, th = lfw(scores, labels, folds)
    print(f"lfw {folds} mean =", repr(m), "std =", repr(sd))
    dump(f"lfw {folds} perFold", pf)
    dump(f"lfw {folds} thresholds", th)
