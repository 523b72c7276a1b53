"""Per-split metrics with the names evaluateSplit.ts gives them (val_loss, val_acc, ...)."""
import numpy as np
import torch

from .data import normalize


def _box_iou(a, b):
    iw = np.clip(np.minimum(a[:, 2], b[:, 2]) - np.maximum(a[:, 0], b[:, 0]), 0, None)
    ih = np.clip(np.minimum(a[:, 3], b[:, 3]) - np.maximum(a[:, 1], b[:, 1]), 0, None)
    inter = iw * ih
    union = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1]) + (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1]) - inter
    return np.where(union > 0, inter / np.where(union > 0, union, 1), 0.0)


def roc_curve(scores, same):
    """Cumulative true/false positive rates over thresholds from the highest score down (ties together)."""
    order = np.argsort(-scores, kind="stable")
    s, y = scores[order], same[order]
    last = np.r_[np.nonzero(np.diff(s))[0], len(s) - 1]
    tps = np.cumsum(y)[last]
    fps = np.cumsum(1 - y)[last]
    pos, neg = max(y.sum(), 1), max((1 - y).sum(), 1)
    return np.r_[0, fps / neg], np.r_[0, tps / pos]


def roc_auc(scores, same):
    fpr, tpr = roc_curve(scores, same)
    # The trapezoid rule by hand: numpy 2 renamed np.trapz.
    return float(((fpr[1:] - fpr[:-1]) * (tpr[1:] + tpr[:-1]) / 2).sum())


def equal_error_rate(scores, same):
    """equalErrorRate.ts' crossing of FAR and FRR on the ROC, linearly interpolated."""
    fpr, tpr = roc_curve(scores, same)
    gap = fpr - (1 - tpr)
    i = 1
    while gap[i] < 0:
        i += 1
    if gap[i] == 0:
        return float(fpr[i])
    t = gap[i - 1] / (gap[i - 1] - gap[i])
    return float(fpr[i - 1] + t * (fpr[i] - fpr[i - 1]))


def _best_threshold(scores, labels):
    """verificationAccuracy.ts: the cut (midway between scores) with the most pairs right."""
    order = np.argsort(scores, kind="stable")
    correct = best_correct = int(labels.sum())
    best = scores[order[0]]
    k = 0
    while k < len(order):
        value = scores[order[k]]
        while k < len(order) and scores[order[k]] == value:
            correct += -1 if labels[order[k]] == 1 else 1
            k += 1
        if correct > best_correct:
            best_correct = correct
            best = (value + scores[order[k]]) / 2 if k < len(order) else np.inf
    return best


def verification_accuracy(scores, same):
    """Mean accuracy over min(10, pairs) contiguous folds, each judged at the best cut of the others.

    The pairs are spread as verificationPairs.ts' stratifiedOrder spreads them, in pair order
    rather than after its seeded shuffle, so a fold's figure may differ a little from tfjs'."""
    genuine = np.nonzero(same == 1)[0]
    impostor = np.nonzero(same == 0)[0]
    rank = np.concatenate([(np.arange(len(genuine)) + 0.5) / len(genuine), (np.arange(len(impostor)) + 0.5) / len(impostor)])
    kind = np.concatenate([np.zeros(len(genuine)), np.ones(len(impostor))])
    order = np.concatenate([genuine, impostor])[np.lexsort((kind, rank))]
    s, y = scores[order], same[order]
    n = len(s)
    folds = min(10, n)
    base, extra = divmod(n, folds)
    accs = []
    start = 0
    for f in range(folds):
        end = start + base + (1 if f < extra else 0)
        rest = np.r_[0:start, end:n]
        cut = _best_threshold(s[rest], y[rest])
        accs.append(float(((s[start:end] >= cut) == (y[start:end] == 1)).mean()))
        start = end
    return float(np.mean(accs))


def metrics_from_predictions(spec, pred, prefix):
    """pred: labels, probs | embeddings, boxes/true_boxes, loss_sum, part_sums (numpy arrays, floats)."""
    m = {}
    labels = pred["labels"]
    n = len(labels)
    if n == 0:
        return m
    if pred.get("loss_sum") is not None:
        m[f"{prefix}loss"] = pred["loss_sum"] / n
    for k, v in pred.get("part_sums", {}).items():
        m[f"{prefix}{k}"] = v / n
    probs = pred.get("probs")
    if probs is not None:
        m[f"{prefix}acc"] = float((probs.argmax(1) == labels).mean())
        if probs.shape[1] > 5:
            top5 = np.argsort(-probs, axis=1, kind="stable")[:, :5]
            m[f"{prefix}top5"] = float((top5 == labels[:, None]).any(1).mean())
    emb = pred.get("embeddings")
    if emb is not None:
        a, b = np.triu_indices(n, 1)
        if len(a) > 0:
            scores = (emb[a] * emb[b]).sum(1)
            same = (labels[a] == labels[b]).astype(np.float64)
            if 0 < same.sum() < len(same):
                m[f"{prefix}auc"] = roc_auc(scores, same)
                m[f"{prefix}eer"] = equal_error_rate(scores, same)
                if len(same) >= 2:
                    m[f"{prefix}verification_acc"] = verification_accuracy(scores, same)
    if pred.get("boxes") is not None and probs is not None:
        ious = _box_iou(pred["boxes"], pred["true_boxes"])
        m[f"{prefix}iou"] = float(ious.mean())
        cut = spec["task"].get("confidenceThreshold", 0.9) if spec["task"]["kind"] == "detection" else 0
        shown = probs.max(1) > cut
        m[f"{prefix}precision_iou50"] = float((shown & (ious >= 0.5)).sum() / n)
    return m


@torch.no_grad()
def evaluate_split(spec, model, objective, pixels, labels_all, boxes_all, indices, prefix, device, norm):
    """Runs the model in inference mode over a split, then its metrics (evaluateSplit.ts)."""
    if len(indices) == 0:
        return {}
    was_training = model.training
    model.eval()
    kind = spec["task"]["kind"]
    batch = max(spec["training"]["batchSize"], 32)
    probs, embeds, boxes, true_boxes = [], [], [], []
    loss_sum, part_sums = 0.0, {}
    with_loss = kind != "embedding"
    for start in range(0, len(indices), batch):
        idx = indices[start : start + batch]
        x = normalize(pixels.batch(idx, device), *norm)
        y = torch.as_tensor([labels_all[i] for i in idx], device=device)
        out = model(x)
        bx = torch.as_tensor([boxes_all[i] for i in idx], dtype=torch.float32, device=device) if boxes_all is not None else None
        if with_loss:
            total, parts, _ = objective.compute(out, y, None, bx)
            loss_sum += total.item() * len(idx)
            for k, v in parts.items():
                part_sums[k] = part_sums.get(k, 0.0) + v.item() * len(idx)
        if kind == "embedding":
            embeds.append(out.float().cpu().numpy())
        elif kind == "detection":
            probs.append(torch.softmax(out[0].float(), 1).cpu().numpy())
            boxes.append(out[1].float().cpu().numpy())
            true_boxes.append(bx.cpu().numpy())
        else:
            probs.append(torch.softmax(out.float(), 1).cpu().numpy())
    model.train(was_training)
    pred = {"labels": np.asarray([labels_all[i] for i in indices]), "part_sums": part_sums, "loss_sum": loss_sum if with_loss else None}
    if probs:
        pred["probs"] = np.concatenate(probs)
    if embeds:
        pred["embeddings"] = np.concatenate(embeds).astype(np.float64)
    if boxes:
        pred["boxes"], pred["true_boxes"] = np.concatenate(boxes), np.concatenate(true_boxes)
    return metrics_from_predictions(spec, pred, prefix)
