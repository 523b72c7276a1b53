"""A small safetensors reader and writer (the `safetensors` package is not a dependency).

The format: an 8-byte little-endian header length, a JSON header mapping each name to
{dtype, shape, data_offsets}, then the raw little-endian tensor bytes.
"""
import json
import os
import struct

import numpy as np
import torch

_DTYPES = {"F32": np.float32, "F64": np.float64, "F16": np.float16, "I64": np.int64, "I32": np.int32, "U8": np.uint8}
_NAMES = {np.dtype(v): k for k, v in _DTYPES.items()}


def read_safetensors(path):
    """Every tensor of a safetensors file, as CPU torch tensors (copies, so the file may go)."""
    with open(path, "rb") as f:
        raw = f.read()
    (length,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + length].decode("utf-8"))
    base = 8 + length
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        if info["dtype"] not in _DTYPES:
            raise ValueError(f"{path}: tensor {name} has dtype {info['dtype']}, which this reader does not handle")
        start, end = info["data_offsets"]
        array = np.frombuffer(raw, dtype=np.dtype(_DTYPES[info["dtype"]]).newbyteorder("<"), count=(end - start) // np.dtype(_DTYPES[info["dtype"]]).itemsize, offset=base + start)
        out[name] = torch.from_numpy(array.reshape(info["shape"]).copy())
    return out


def write_safetensors(path, tensors):
    """Writes name → tensor in name order (float32 where its dtype has no name here), tensors moved to the CPU."""
    header = {}
    chunks = []
    offset = 0
    for name in sorted(tensors):
        array = tensors[name].detach().cpu().contiguous().numpy()
        if array.dtype not in _NAMES:
            array = array.astype(np.float32)
        data = array.astype(array.dtype.newbyteorder("<"), copy=False).tobytes()
        header[name] = {"dtype": _NAMES[array.dtype], "shape": list(array.shape), "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    # Data starts 8-byte aligned, as the reference writer pads its header with spaces.
    text += b" " * ((8 - len(text) % 8) % 8)
    tmp = f"{path}.tmp-{os.getpid()}"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for c in chunks:
            f.write(c)
    os.replace(tmp, path)
