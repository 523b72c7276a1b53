"""The PyTorch engine's checkpoint state (studio_torch/state_io.py) round-trips every optimizer
and schedule the engine builds: after write_state / read_state, a fresh optimizer and
scheduler loaded from it hold the same tensors and step on to the same learning rates as the
originals. A damaged pair is a ValueError naming the file. Prints one line per case."""
import json
import math
import os
import tempfile

import torch

from studio_torch.optim import Schedule, create_optimizer
from studio_torch.state_io import read_state, write_state

SCHEDULES = [
    {"type": "constant"},
    {"type": "step", "stepSize": 2, "gamma": 0.5},
    {"type": "multiStep", "milestones": [1, 3], "gamma": 0.1},
    {"type": "exponential", "gamma": 0.9},
    {"type": "cosine", "warmupEpochs": 1, "warmupStartFactor": 0.01, "minLr": 0.0},
    {"type": "cosine", "warmupEpochs": 0, "warmupStartFactor": 0.01, "minLr": 0.001},
    {"type": "oneCycle", "maxLr": 0.1, "pctStart": 0.3, "annealStrategy": "cos", "divFactor": 25, "finalDivFactor": 1e4, "threePhase": False},
    {"type": "reduceOnPlateau", "monitor": "val_loss", "mode": "min", "factor": 0.1, "patience": 0, "threshold": 1e-4, "cooldown": 0, "minLr": 0},
]
OPTIMIZERS = [{"type": "sgd", "lr": 0.1, "momentum": 0.9}, {"type": "adam", "lr": 0.01}, {"type": "adamw", "lr": 0.01, "betas": [0.9, 0.99], "eps": 1e-8}]


def build(net, o, c):
    opt = create_optimizer([{"params": list(net.parameters()), "lr_scale": 1.0}], o)
    return opt, Schedule(opt, c, 4, 5)


def train(net, opt, sch, steps, start):
    for i in range(start, start + steps):
        opt.zero_grad()
        net(torch.ones(4, 3) * (i + 1)).square().sum().backward()
        opt.step()
        sch.after_step(i + 1, 20)
        if (i + 1) % 4 == 0:
            sch.after_epoch({"val_loss": 1.0 + i})


torch.manual_seed(0)
folder = tempfile.mkdtemp()
for o in OPTIMIZERS:
    for c in SCHEDULES:
        net = torch.nn.Linear(3, 2)
        opt, sch = build(net, o, c)
        train(net, opt, sch, 6, 0)
        state = {"optimizer": opt.state_dict(), "scheduler": sch.state_dict(), "rng": [torch.get_rng_state()], "best": -math.inf}
        write_state(os.path.join(folder, "s.json"), os.path.join(folder, "s.safetensors"), state)
        back = read_state(os.path.join(folder, "s.json"), os.path.join(folder, "s.safetensors"))
        twin = torch.nn.Linear(3, 2)
        twin.load_state_dict(net.state_dict())
        opt2, sch2 = build(twin, o, c)
        opt2.load_state_dict(back["optimizer"])
        sch2.load_state_dict(back["scheduler"])
        train(net, opt, sch, 6, 6)
        train(twin, opt2, sch2, 6, 6)
        same_lr = opt.param_groups[0]["lr"] == opt2.param_groups[0]["lr"]
        same_weights = all(torch.equal(a, b) for a, b in zip(net.parameters(), twin.parameters()))
        same_rng = torch.equal(back["rng"][0], state["rng"][0]) and back["best"] == -math.inf
        print(json.dumps({"optimizer": o["type"], "schedule": c["type"], "ok": same_lr and same_weights and same_rng}))

with open(os.path.join(folder, "s.json"), "w", encoding="utf-8") as f:
    f.write('{"optimizer": {"$tensor": "t999"}}')
try:
    read_state(os.path.join(folder, "s.json"), os.path.join(folder, "s.safetensors"))
    print(json.dumps({"damaged": "read"}))
except ValueError as e:
    print(json.dumps({"damaged": str(e)}))
