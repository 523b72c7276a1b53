"""runDir/checkpoints/torch-<name>/: model.safetensors (studio-torch names), the training state
(state.json + state.safetensors, state_io.py) and meta.json, written atomically."""
import json
import os
import shutil

from .events import clean_json
from .safetensors_io import read_safetensors, write_safetensors
from .state_io import read_state, write_state


def checkpoint_dir(run_dir, name):
    return os.path.join(run_dir, "checkpoints", f"torch-{name}")


def write_checkpoint(run_dir, name, tensors, state):
    """Writes into a temporary folder, then renames it over the old one, so a kill never leaves half a checkpoint."""
    final = checkpoint_dir(run_dir, name)
    parent = os.path.dirname(final)
    os.makedirs(parent, exist_ok=True)
    tmp = os.path.join(parent, f".torch-{name}.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    write_safetensors(os.path.join(tmp, "model.safetensors"), tensors)
    write_state(os.path.join(tmp, "state.json"), os.path.join(tmp, "state.safetensors"), state)
    # What Node reads to make a studio checkpoint of it (trainRunTorch's TorchCheckpointMeta).
    meta = {"epoch": state["epoch"], "step": state["step"], **({"best": state["best"]} if state.get("best") else {})}
    with open(os.path.join(tmp, "meta.json"), "w", encoding="utf-8") as f:
        json.dump(clean_json(meta), f)
    old = None
    if os.path.exists(final):
        old = os.path.join(parent, f".torch-{name}.old-{os.getpid()}")
        shutil.rmtree(old, ignore_errors=True)
        os.rename(final, old)
    os.rename(tmp, final)
    if old:
        shutil.rmtree(old, ignore_errors=True)


def read_checkpoint(run_dir, name):
    folder = checkpoint_dir(run_dir, name)
    tensors = read_safetensors(os.path.join(folder, "model.safetensors"))
    state = read_state(os.path.join(folder, "state.json"), os.path.join(folder, "state.safetensors"))
    return tensors, state


def has_checkpoint(run_dir, name):
    folder = checkpoint_dir(run_dir, name)
    return os.path.isfile(os.path.join(folder, "model.safetensors")) and os.path.isfile(os.path.join(folder, "state.json"))
