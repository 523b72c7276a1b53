"""Runs a zoo model exported by exportTorchWeights through python/studio_torch/models.py (test/torchEngineModels.test.ts).

Reads from --dir:
  spec.json            {"spec": RunSpec (model, task, data.channels), "numClasses": N}
  weights.safetensors  the model's tensors in studio-torch names, float32
  input.bin            float32 NHWC [batch, size, size, channels]
and writes there:
  eval.bin             float32: the eval-mode outputs, flattened one after the other
                       (detection: logits, then box)
  state.safetensors    build_model's whole state_dict as loaded, num_batches_tracked (I64) included
  train.safetensors    every batch norm's running_mean / running_var after one training-mode
                       forward pass of the same input
  result.json          the output shapes, the state_dict keys the file lacked or had extra, the
                       parameters backbone_parameter_names lists, and those left trainable
                       after freeze(model, spec, model.frozenLayers)

The file is loaded with strict=True: only num_batches_tracked may be missing from it.

With --shapes, spec.json is a list of such jobs and shapes.json receives, for each, build_model's
state_dict shapes (num_batches_tracked aside) and what unsupported(spec) says.

  /usr/bin/python3 test/reference/torch_engine_models.py --dir DIR [--shapes]
"""
import argparse
import json
import os
import struct
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))
from studio_torch.models import backbone_parameter_names, build_model, freeze, unsupported  # noqa: E402


def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    (length,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + length])
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        assert info["dtype"] == "F32", f"{name} is {info['dtype']}"
        start, end = info["data_offsets"]
        out[name] = torch.from_numpy(np.frombuffer(raw, dtype="<f4", count=(end - start) // 4, offset=8 + length + start).reshape(info["shape"]).copy())
    return out


def write_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        integer = t.dtype == torch.int64
        data = t.detach().contiguous().numpy().astype("<i8" if integer else "<f4").tobytes()
        header[name] = {"dtype": "I64" if integer else "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dir", required=True)
    p.add_argument("--shapes", action="store_true")
    a = p.parse_args()
    with open(f"{a.dir}/spec.json") as f:
        job = json.load(f)
    if a.shapes:
        out = []
        for j in job:
            problems = unsupported(j["spec"])
            shapes = {} if problems else {k: list(v.shape) for k, v in build_model(j["spec"], j["numClasses"]).state_dict().items() if not k.endswith("num_batches_tracked")}
            out.append({"unsupported": problems, "shapes": shapes})
        with open(f"{a.dir}/shapes.json", "w") as f:
            json.dump(out, f)
        return
    spec = job["spec"]
    model = build_model(spec, job["numClasses"])
    state = read_safetensors(f"{a.dir}/weights.safetensors")
    own = model.state_dict()
    missing = sorted(k for k in own if k not in state and not k.endswith("num_batches_tracked"))
    extra = sorted(k for k in state if k not in own)
    result = {"missing": missing, "extra": extra}
    if not missing and not extra:
        result["misshaped"] = sorted(k for k in state if list(state[k].shape) != list(own[k].shape))
    if missing or extra or result["misshaped"]:
        with open(f"{a.dir}/result.json", "w") as f:
            json.dump(result, f)
        raise SystemExit(f"the file does not fit build_model's state_dict: {json.dumps(result)[:2000]}")
    # strict=True once the counters PyTorch keeps and the studio does not write are added.
    for k, v in own.items():
        if k.endswith("num_batches_tracked"):
            state[k] = v
    model.load_state_dict(state, strict=True)
    write_safetensors(f"{a.dir}/state.safetensors", model.state_dict())
    freeze(model, spec, spec["model"]["frozenLayers"])
    result["backbone"] = backbone_parameter_names(model, spec)
    result["trainable"] = [n for n, p in model.named_parameters() if p.requires_grad]

    size, channels = spec["model"]["inputSize"], spec["data"]["channels"]
    nhwc = np.fromfile(f"{a.dir}/input.bin", dtype="<f4").reshape(-1, size, size, channels)
    x = torch.from_numpy(nhwc.transpose(0, 3, 1, 2).copy())
    model.eval()
    with torch.no_grad():
        out = model(x)
    outs = list(out) if isinstance(out, tuple) else [out]
    with open(f"{a.dir}/eval.bin", "wb") as f:
        for o in outs:
            f.write(o.numpy().astype("<f4").tobytes())
    model.train()
    with torch.no_grad():
        model(x)
    stats = {k: v for k, v in model.state_dict().items() if k.endswith("running_mean") or k.endswith("running_var")}
    write_safetensors(f"{a.dir}/train.safetensors", stats)
    result["outputs"] = [list(o.shape) for o in outs]
    with open(f"{a.dir}/result.json", "w") as f:
        json.dump(result, f)


if __name__ == "__main__":
    main()
