"""A checkpoint's training state (optimizer, scheduler, random streams, early stopping) as
JSON plus one safetensors file, not a pickle: torch.load of a pickle runs whatever code the
file names, and a run directory may come from anywhere (a shared folder, another machine).
torch 1.13's `weights_only` loader cannot read floats, so it is no way out there.

The JSON keeps the structure; every tensor is `{"$tensor": key}` into the safetensors file,
a float that JSON cannot hold `{"$float": "inf"}`, a tuple `{"$tuple": [...]}`, a dict with
keys other than strings (an optimizer's state by parameter index) `{"$dict": [[k, v], ...]}`.
Callables (a scheduler's annealing function) are left out: the scheduler is rebuilt from the
spec with its own before the state is loaded into it.
"""
import json
import math

import torch

from .safetensors_io import read_safetensors, write_safetensors


def _encode(value, tensors):
    if isinstance(value, torch.Tensor):
        key = f"t{len(tensors)}"
        tensors[key] = value.detach().cpu()
        return {"$tensor": key}
    if isinstance(value, bool) or value is None or isinstance(value, (int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else {"$float": repr(value)}
    if isinstance(value, tuple):
        return {"$tuple": [_encode(v, tensors) for v in value]}
    if isinstance(value, list):
        return [_encode(v, tensors) for v in value]
    if isinstance(value, dict):
        kept = {k: v for k, v in value.items() if not callable(v) or isinstance(v, torch.Tensor)}
        if all(isinstance(k, str) and not k.startswith("$") for k in kept):
            return {k: _encode(v, tensors) for k, v in kept.items()}
        return {"$dict": [[_encode(k, tensors), _encode(v, tensors)] for k, v in kept.items()]}
    raise TypeError(f"a checkpoint's state cannot hold a {type(value).__name__}")


def _decode(value, tensors):
    if isinstance(value, list):
        return [_decode(v, tensors) for v in value]
    if not isinstance(value, dict):
        return value
    if "$tensor" in value:
        return tensors[value["$tensor"]]
    if "$float" in value:
        return float(value["$float"])
    if "$tuple" in value:
        return tuple(_decode(v, tensors) for v in value["$tuple"])
    if "$dict" in value:
        return {_decode(k, tensors): _decode(v, tensors) for k, v in value["$dict"]}
    return {k: _decode(v, tensors) for k, v in value.items()}


def write_state(json_path, tensors_path, state):
    tensors = {}
    skeleton = _encode(state, tensors)
    write_safetensors(tensors_path, tensors)
    with open(json_path, "w", encoding="utf-8") as f:
        json.dump(skeleton, f)


def read_state(json_path, tensors_path):
    """The state write_state wrote; a damaged pair is a ValueError that says which file."""
    try:
        with open(json_path, encoding="utf-8") as f:
            skeleton = json.load(f)
        return _decode(skeleton, read_safetensors(tensors_path))
    except (ValueError, KeyError, TypeError, OSError) as e:
        raise ValueError(f"{json_path} (with {tensors_path}) is damaged: {type(e).__name__}: {e}") from e
