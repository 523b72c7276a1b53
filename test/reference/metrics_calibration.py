"""Reference values for src/core/metrics expectedCalibrationError and confidenceBands.

Neither scikit-learn nor PyTorch has an expected-calibration-error function, so this is
a plain numpy implementation of the Guo et al. 2017 definition (On Calibration of Modern
Neural Networks, eq. 3): equal-width bins over [0, 1] on the max probability, a sample in
bin m when lower_m < conf <= upper_m (conf == 0 goes to the first bin), ECE = sum_m
|B_m|/n * |acc(B_m) - conf(B_m)|. Bands: max prob > use -> use, >= caution -> caution,
else review (seed 004).

Run:  /usr/bin/python3 test/reference/metrics_calibration.py   (numpy 1.24)
"""
import json

import numpy as np

rng = np.random.default_rng(11)
n, c = 40, 4
logits = rng.normal(size=(n, c)) * 2.0
probs = np.round(np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True), 4)
# Put two confidences exactly on bin edges of the 5-bin case and the band thresholds.
probs[0] = [0.6, 0.2, 0.1, 0.1]
probs[1] = [0.1, 0.8, 0.05, 0.05]
probs[2] = [0.9, 0.05, 0.03, 0.02]
probs[3] = [0.1, 0.2, 0.7, 0.0]
labels = rng.integers(0, c, size=n)
# Make the model right more often when it is confident, as a real one would be.
conf_all = probs.max(axis=1)
pred_all = probs.argmax(axis=1)
right = rng.random(n) < conf_all
labels = np.where(right, pred_all, labels)

print("probs =", json.dumps(probs.tolist()))
print("labels =", json.dumps(labels.tolist()))


def ece(probs, labels, bins):
    conf = probs.max(axis=1)
    pred = probs.argmax(axis=1)
    correct = (pred == labels).astype(float)
    edges = np.array([i / bins for i in range(bins + 1)])
    total = 0.0
    out = []
    for m in range(bins):
        lo, hi = edges[m], edges[m + 1]
        mask = (conf > lo) & (conf <= hi)
        if m == 0:
            mask |= conf == 0
        k = int(mask.sum())
        if k:
            cm, am = conf[mask].mean(), correct[mask].mean()
            total += k / len(conf) * abs(am - cm)
        else:
            cm, am = 0.0, 0.0
        out.append({"lower": lo, "upper": hi, "confidence": cm, "accuracy": am, "count": k})
    return total, out


for bins in (15, 5):
    total, out = ece(probs, labels, bins)
    print(f"ece {bins} =", repr(total))
    print(f"bins {bins} =", json.dumps(out))

conf = probs.max(axis=1)
use = int((conf > 0.9).sum())
caution = int(((conf <= 0.9) & (conf >= 0.7)).sum())
review = int((conf < 0.7).sum())
print("bands =", json.dumps({"use": use, "caution": caution, "review": review, "n": n}))
