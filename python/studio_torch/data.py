"""Training images from the job's pixels.u8: batches, normalization, augmentation, mixup.

Each mirrors src/core/data: pixels scaled to [0, 1], then augmented (training only), then
mixed, then normalized per channel.
"""
import math

import numpy as np
import torch
import torchvision.transforms.functional as TF

IMAGENET_MEAN = [0.485, 0.456, 0.406]
IMAGENET_STD = [0.229, 0.224, 0.225]


def normalization_params(norm, channels):
    """normalization.ts: imagenet (averaged over channels for greyscale), half, unit, custom."""
    preset = norm.get("preset", "unit")
    fit = (lambda v: [sum(v) / len(v)]) if channels == 1 else (lambda v: list(v))
    if preset == "imagenet":
        return fit(IMAGENET_MEAN), fit(IMAGENET_STD)
    if preset == "half":
        return [0.5] * channels, [0.5] * channels
    if preset == "custom":
        return list(norm["mean"]), list(norm["std"])
    return [0.0] * channels, [1.0] * channels


class Pixels:
    """The job's N × S × S × C uint8 samples, memory-mapped."""

    def __init__(self, path, samples, size, channels):
        self.array = np.memmap(path, dtype=np.uint8, mode="r", shape=(samples, size, size, channels))

    def batch(self, indices, device):
        """Images [B, C, S, S] in [0, 1] on the device."""
        rows = np.ascontiguousarray(self.array[np.asarray(indices, dtype=np.int64)])
        x = torch.from_numpy(rows).to(device)
        return x.permute(0, 3, 1, 2).float().div_(255.0)


def normalize(x, mean, std):
    if all(m == 0 for m in mean) and all(s == 1 for s in std):
        return x
    m = torch.tensor(mean, dtype=x.dtype, device=x.device).view(1, -1, 1, 1)
    s = torch.tensor(std, dtype=x.dtype, device=x.device).view(1, -1, 1, 1)
    return (x - m) / s


def has_augmentation(aug):
    return any(aug.get(k) for k in ("flip", "rotation", "randomResizedCrop", "colorJitter"))


def _uniform(gen, lo, hi):
    return lo + (hi - lo) * torch.rand((), generator=gen).item()


def _crop_params(height, width, scale, ratio, gen):
    """torchvision's RandomResizedCrop.get_params, drawn from `gen`."""
    area = height * width
    log_ratio = (math.log(ratio[0]), math.log(ratio[1]))
    for _ in range(10):
        target = area * _uniform(gen, scale[0], scale[1])
        aspect = math.exp(_uniform(gen, log_ratio[0], log_ratio[1]))
        w = int(round(math.sqrt(target * aspect)))
        h = int(round(math.sqrt(target / aspect)))
        if 0 < w <= width and 0 < h <= height:
            top = int(torch.randint(0, height - h + 1, (1,), generator=gen).item())
            left = int(torch.randint(0, width - w + 1, (1,), generator=gen).item())
            return top, left, h, w
    in_ratio = width / height
    if in_ratio < min(ratio):
        w, h = width, int(round(width / min(ratio)))
    elif in_ratio > max(ratio):
        h, w = height, int(round(height * max(ratio)))
    else:
        w, h = width, height
    return (height - h) // 2, (width - w) // 2, h, w


def _crop_box(box, top, left, h, w, height, width):
    """randomResizedCrop.ts' cropBoxes: the box in the crop's coordinates, clamped to it."""
    x0, y0, cw, ch = left / width, top / height, w / width, h / height
    box[0] = min(1.0, max(0.0, (box[0] - x0) / cw))
    box[1] = min(1.0, max(0.0, (box[1] - y0) / ch))
    box[2] = min(1.0, max(0.0, (box[2] - x0) / cw))
    box[3] = min(1.0, max(0.0, (box[3] - y0) / ch))


def _flip_rotate_box(box, flip_h, flip_v, degrees, height, width):
    """flipAndRotate.ts' flipAndRotateBoxes: the flipped, rotated corners' bounding box, clamped."""
    theta = math.radians(degrees)
    cos, sin = math.cos(theta), math.sin(theta)
    xs, ys = [], []
    for nx, ny in ((box[0], box[1]), (box[2], box[1]), (box[0], box[3]), (box[2], box[3])):
        px = ((1 - nx) if flip_h else nx) * width - width / 2
        py = ((1 - ny) if flip_v else ny) * height - height / 2
        xs.append((px * cos + py * sin + width / 2) / width)
        ys.append((-px * sin + py * cos + height / 2) / height)
    box[0], box[1] = min(1.0, max(0.0, min(xs))), min(1.0, max(0.0, min(ys)))
    box[2], box[3] = min(1.0, max(0.0, max(xs))), min(1.0, max(0.0, max(ys)))


def augment(x, aug, gen, boxes=None):
    """Per image: random resized crop, flips, rotation, colour jitter (augmentBatch.ts' order).

    `boxes` [B, 4] (normalized x1 y1 x2 y2) follow the crop, the flips and the rotation, in place.
    """
    if not has_augmentation(aug):
        return x
    _, _, height, width = x.shape
    out = []
    rows = boxes.tolist() if boxes is not None else None
    for i in range(x.shape[0]):
        y = x[i]
        crop = aug.get("randomResizedCrop")
        if crop:
            top, left, h, w = _crop_params(height, width, crop["scale"], crop["ratio"], gen)
            y = TF.resized_crop(y, top, left, h, w, [height, width], antialias=False)
            if rows is not None:
                _crop_box(rows[i], top, left, h, w, height, width)
        flip = aug.get("flip")
        flip_h = flip_v = False
        if flip:
            flip_h = flip.get("horizontal", True) and torch.rand((), generator=gen).item() < flip["p"]
            flip_v = flip.get("vertical", False) and torch.rand((), generator=gen).item() < flip["p"]
            if flip_h:
                y = TF.hflip(y)
            if flip_v:
                y = TF.vflip(y)
        rot = aug.get("rotation")
        degrees = _uniform(gen, -rot["degrees"], rot["degrees"]) if rot and rot["degrees"] > 0 else 0.0
        if degrees != 0.0:
            # Positive angles turn the image counter-clockwise, as the box formula assumes.
            y = TF.rotate(y, degrees, interpolation=TF.InterpolationMode.BILINEAR)
        if rows is not None and (flip_h or flip_v or degrees != 0.0):
            _flip_rotate_box(rows[i], flip_h, flip_v, degrees, height, width)
        jitter = aug.get("colorJitter")
        if jitter:
            # torchvision's ColorJitter draws each factor from [max(0, 1 − s), 1 + s].
            if jitter.get("brightness", 0) > 0:
                y = TF.adjust_brightness(y, _uniform(gen, max(0, 1 - jitter["brightness"]), 1 + jitter["brightness"]))
            if jitter.get("contrast", 0) > 0:
                y = TF.adjust_contrast(y, _uniform(gen, max(0, 1 - jitter["contrast"]), 1 + jitter["contrast"]))
            if jitter.get("saturation", 0) > 0 and y.shape[0] == 3:
                y = TF.adjust_saturation(y, _uniform(gen, max(0, 1 - jitter["saturation"]), 1 + jitter["saturation"]))
        out.append(y)
    if rows is not None:
        boxes.copy_(torch.tensor(rows, dtype=boxes.dtype))
    return torch.stack(out)


def mixup(x, one_hot, alpha, p, gen):
    """mixup.ts: with probability p, one λ ~ Beta(α, α) per batch and a shuffled partner per image."""
    if torch.rand((), generator=gen).item() >= p:
        return x, one_hot
    g1 = torch._standard_gamma(torch.tensor([alpha, alpha], dtype=torch.float64))
    lam = float(g1[0] / g1.sum())
    partner = torch.randperm(x.shape[0], generator=gen).to(x.device)
    return x * lam + x[partner] * (1 - lam), one_hot * lam + one_hot[partner] * (1 - lam)
