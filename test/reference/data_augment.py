"""Reference values for the data pipeline tests in src/core/data/.

- rotation: torchvision.transforms.functional.rotate (bilinear, fill=None, i.e. grid_sample
  with zero padding) on float tensors, 90 degrees on a 4x4 image (checked against
  numpy.rot90) and 30 degrees on a 5x5 one. (With an explicit fill, torchvision also
  multiplies border pixels by their coverage; the studio does not.)
- colour: torchvision.transforms.functional.adjust_brightness, then adjust_contrast, then
  adjust_saturation with fixed factors, on a 2-image RGB batch and a 1-channel image.
- crop fallback: torchvision.transforms.RandomResizedCrop.get_params when no try fits.
- resize: torch.nn.functional.interpolate(mode='bilinear', align_corners=False,
  antialias=False) upsampling 3x3 -> 5x5, and avg_pool2d for an exact 8x8 -> 4x4 shrink.
- grey: PIL Image.convert('L') of a few RGB pixels.
Run: /usr/bin/python3 test/reference/data_augment.py  (torch, torchvision, PIL, numpy)
"""
import json

import numpy as np
import torch
import torch.nn.functional as F
import torchvision
import torchvision.transforms.functional as TF
from PIL import Image
from torchvision.transforms import InterpolationMode, RandomResizedCrop


def r(t, digits=6):
    return np.round(np.asarray(t, dtype=np.float64), digits).tolist()


out = {"torch": torch.__version__, "torchvision": torchvision.__version__}

# Rotation. Images are HWC in the tests; torch wants CHW.
img4 = (np.arange(4 * 4 * 2, dtype=np.float32).reshape(4, 4, 2) + 1) / 40
rot90 = TF.rotate(torch.from_numpy(img4).permute(2, 0, 1), 90.0, interpolation=InterpolationMode.BILINEAR)
rot90 = rot90.permute(1, 2, 0).numpy()
assert np.allclose(rot90, np.rot90(img4, k=1, axes=(0, 1)), atol=1e-6), "torchvision rotate(90) is numpy rot90"
out["rot90_input"] = r(img4.reshape(-1))
out["rot90_expected"] = r(rot90.reshape(-1))

img5 = ((np.arange(5 * 5, dtype=np.float32) * 7) % 11 / 10).reshape(5, 5, 1)
rot30 = TF.rotate(torch.from_numpy(img5).permute(2, 0, 1), 30.0, interpolation=InterpolationMode.BILINEAR)
out["rot30_input"] = r(img5.reshape(-1))
out["rot30_expected"] = r(rot30.permute(1, 2, 0).numpy().reshape(-1))

# Colour adjustments in the order the pipeline applies them.
rng = np.random.default_rng(3)
rgb = rng.random((2, 3, 3, 3), dtype=np.float32)  # B, H, W, C
factors = {"brightness": [1.3, 0.6], "contrast": [0.5, 1.4], "saturation": [1.7, 0.2]}
adjusted = []
for i in range(2):
    t = torch.from_numpy(rgb[i]).permute(2, 0, 1)
    t = TF.adjust_brightness(t, factors["brightness"][i])
    t = TF.adjust_contrast(t, factors["contrast"][i])
    t = TF.adjust_saturation(t, factors["saturation"][i])
    adjusted.append(t.permute(1, 2, 0).numpy())
out["color_input"] = r(rgb.reshape(-1))
out["color_factors"] = factors
out["color_expected"] = r(np.stack(adjusted).reshape(-1))

grey = rng.random((1, 3, 3, 1), dtype=np.float32)
g = torch.from_numpy(grey[0]).permute(2, 0, 1)
g = TF.adjust_saturation(TF.adjust_contrast(TF.adjust_brightness(g, 0.8), 1.5), 0.3)
out["grey_input"] = r(grey.reshape(-1))
out["grey_expected"] = r(g.permute(1, 2, 0).numpy().reshape(-1))

# RandomResizedCrop.get_params when every try fails: h > height always, so the fallback runs.
crop_img = torch.zeros(1, 10, 20)
i, j, h, w = RandomResizedCrop.get_params(crop_img, scale=[0.9, 1.0], ratio=[0.1, 0.2])
out["crop_fallback_wide"] = {"top": i, "left": j, "height": h, "width": w}
crop_img = torch.zeros(1, 20, 10)
i, j, h, w = RandomResizedCrop.get_params(crop_img, scale=[0.9, 1.0], ratio=[5.0, 8.0])
out["crop_fallback_tall"] = {"top": i, "left": j, "height": h, "width": w}

# Resizes as the image cache does them (before rounding to bytes).
small = (np.arange(3 * 3 * 3, dtype=np.float32) * 37 % 256).reshape(3, 3, 3)
up = F.interpolate(torch.from_numpy(small).permute(2, 0, 1)[None], size=(5, 5), mode="bilinear", align_corners=False, antialias=False)
out["resize_up_input"] = r(small.reshape(-1))
out["resize_up_expected"] = r(up[0].permute(1, 2, 0).numpy().reshape(-1), 4)
big = ((np.arange(8 * 8) * 29 + np.arange(8 * 8) ** 2) % 256).astype(np.float32).reshape(8, 8, 1)
down = F.avg_pool2d(torch.from_numpy(big).permute(2, 0, 1)[None], 2)
out["resize_down_input"] = r(big.reshape(-1))
out["resize_down_expected"] = r(down[0].permute(1, 2, 0).numpy().reshape(-1), 4)

pixels = [[255, 0, 0], [0, 255, 0], [0, 0, 255], [12, 200, 99], [250, 251, 3]]
pil = Image.fromarray(np.array([pixels], dtype=np.uint8), "RGB").convert("L")
out["grey_pixels"] = pixels
out["grey_pil"] = np.asarray(pil).reshape(-1).tolist()

print(json.dumps(out))
