#!/usr/bin/python3
"""Reference learning rates for src/core/optim/schedules/*.test.ts.

Run: /usr/bin/python3 test/reference/optim_schedules.py
Every value comes from torch.optim.lr_scheduler driving a real SGD optimizer; the
per-epoch schedulers are stepped once per epoch, the per-step ones once per update.
"""
import json
import warnings

import torch
from torch.optim import SGD
from torch.optim import lr_scheduler as S

# SequentialLR steps the cosine scheduler with an explicit epoch at the milestone (torch 1.13).
warnings.filterwarnings("ignore", category=UserWarning)

BASE = 0.1
SPE = 3  # steps per epoch


def make_opt(lr=BASE):
    return SGD([torch.nn.Parameter(torch.zeros(1))], lr=lr)


def per_epoch(make_sched, epochs):
    opt = make_opt()
    sched = make_sched(opt)
    out = []
    for _ in range(epochs):
        out.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    return out


def per_step(make_sched, total, lr=BASE):
    opt = make_opt(lr)
    sched = make_sched(opt)
    out = []
    for _ in range(total):
        out.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    return out


def cosine(epochs, warmup_epochs, start_factor, min_lr):
    total = epochs * SPE
    warmup = round(warmup_epochs * SPE)

    def make(opt):
        cos = S.CosineAnnealingLR(opt, T_max=total - warmup, eta_min=min_lr)
        if warmup == 0:
            return cos
        lin = S.LinearLR(opt, start_factor=start_factor, end_factor=1.0, total_iters=warmup)
        return S.SequentialLR(opt, [lin, cos], milestones=[warmup])

    return per_step(make, total)


def one_cycle(epochs, **kw):
    total = epochs * SPE
    return per_step(lambda opt: S.OneCycleLR(opt, total_steps=total, cycle_momentum=False, **kw), total)


def plateau(metrics, lr=BASE, **kw):
    opt = make_opt(lr)
    sched = S.ReduceLROnPlateau(opt, **kw)
    out = []
    for m in metrics:
        opt.step()
        sched.step(m)
        out.append(opt.param_groups[0]["lr"])
    return out


PLATEAU_METRICS = [1.0, 0.9, 0.95, 0.9, 0.91, 0.92, 0.93, 0.8, 0.8, 0.80001, 0.85, 0.86, 0.87, 0.88, 0.89, 0.9, 0.91, 0.92]

ref = {
    "torch": torch.__version__,
    "step": per_epoch(lambda o: S.StepLR(o, step_size=3, gamma=0.5), 10),
    "multiStep": per_epoch(lambda o: S.MultiStepLR(o, milestones=[2, 5, 6], gamma=0.3), 9),
    "exponential": per_epoch(lambda o: S.ExponentialLR(o, gamma=0.8), 8),
    "cosineNoWarmup": cosine(5, 0, 0.01, 0.0),
    "cosineWarmup": cosine(6, 1, 0.1, 0.001),
    "cosineWarmupFractional": cosine(5, 1.4, 0.01, 0.0),
    "oneCycleCos": one_cycle(10, max_lr=0.5),
    "oneCycleLinear": one_cycle(7, max_lr=0.4, pct_start=0.25, anneal_strategy="linear", div_factor=10.0, final_div_factor=100.0),
    "oneCycleThreePhase": one_cycle(8, max_lr=0.3, pct_start=0.3, three_phase=True),
    "oneCycleThreePhaseLinear": one_cycle(8, max_lr=0.3, pct_start=0.2, anneal_strategy="linear", three_phase=True),
    "plateauMetrics": PLATEAU_METRICS,
    "plateauMin": plateau(PLATEAU_METRICS, mode="min", factor=0.5, patience=1, threshold=1e-4, cooldown=0, min_lr=0.0),
    "plateauMinCooldown": plateau(PLATEAU_METRICS, mode="min", factor=0.5, patience=0, threshold=0.01, cooldown=2, min_lr=0.02),
    "plateauMax": plateau([-m for m in PLATEAU_METRICS], mode="max", factor=0.1, patience=2, threshold=1e-4, cooldown=1, min_lr=1e-4),
}
print(json.dumps(ref))
