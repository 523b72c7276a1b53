"""The spec's optimizer and schedule on torch.optim, stepped as the core steps them.

Per-step schedules (cosine, oneCycle) step after every optimizer update; per-epoch ones
(step, multiStep, exponential) and reduceOnPlateau after every epoch, which gives the lr the
core's schedule(step) gives (test/reference/optim_schedules.py drives the same classes).
"""
import warnings

import torch
from torch.optim import lr_scheduler as S

PER_STEP = ("cosine", "oneCycle")


def parameter_groups(named, backbone, config):
    """Groups by (backbone, decay): the backbone at lr × backboneLrFactor, rank ≤ 1 tensors
    without weight decay when noDecayOnBiasAndNorm is set (isNoDecayParam.ts). Frozen
    parameters are grouped too: with no gradient they are left alone until they train."""
    factor = config.get("backboneLrFactor") or 1.0
    no_decay = config.get("noDecayOnBiasAndNorm", False)
    groups = {}
    for name, p in named:
        in_backbone = name in backbone
        decays = not (no_decay and p.dim() <= 1)
        key = (in_backbone, decays)
        if key not in groups:
            groups[key] = {
                "params": [],
                "names": [],
                "lr": config["lr"] * (factor if in_backbone else 1.0),
                "weight_decay": config.get("weightDecay", 0.0) if decays else 0.0,
                "lr_scale": factor if in_backbone else 1.0,
            }
        groups[key]["params"].append(p)
        groups[key]["names"].append(name)
    # The head group first: its lr is the one events report.
    return [groups[k] for k in sorted(groups, key=lambda k: (k[0], not k[1]))]


def create_optimizer(groups, config):
    kind = config["type"]
    if kind == "sgd":
        return torch.optim.SGD(groups, lr=config["lr"], momentum=config.get("momentum", 0.0), nesterov=config.get("nesterov", False))
    betas = tuple(config.get("betas", (0.9, 0.999)))
    eps = config.get("eps", 1e-8)
    if kind == "adam":
        return torch.optim.Adam(groups, lr=config["lr"], betas=betas, eps=eps)
    return torch.optim.AdamW(groups, lr=config["lr"], betas=betas, eps=eps)


class Schedule:
    """Wraps the torch scheduler the spec names; `after_step` and `after_epoch` step it as the core does."""

    def __init__(self, optimizer, config, steps_per_epoch, epochs):
        self.config = config
        self.kind = config["type"]
        self.optimizer = optimizer
        self.scheduler = self._create(optimizer, config, steps_per_epoch, epochs)

    @staticmethod
    def _create(opt, c, spe, epochs):
        kind = c["type"]
        if kind == "step":
            return S.StepLR(opt, step_size=c["stepSize"], gamma=c["gamma"])
        if kind == "multiStep":
            return S.MultiStepLR(opt, milestones=c["milestones"], gamma=c["gamma"])
        if kind == "exponential":
            return S.ExponentialLR(opt, gamma=c["gamma"])
        if kind == "cosine":
            total = spe * epochs
            warmup = round(c["warmupEpochs"] * spe)
            cos = S.CosineAnnealingLR(opt, T_max=max(total - warmup, 1), eta_min=c["minLr"])
            if warmup == 0:
                return cos
            lin = S.LinearLR(opt, start_factor=c["warmupStartFactor"], end_factor=1.0, total_iters=warmup)
            return S.SequentialLR(opt, [lin, cos], milestones=[warmup])
        if kind == "oneCycle":
            max_lr = [c["maxLr"] * g["lr_scale"] for g in opt.param_groups]
            return S.OneCycleLR(
                opt,
                max_lr=max_lr,
                total_steps=spe * epochs,
                pct_start=c["pctStart"],
                anneal_strategy=c["annealStrategy"],
                div_factor=c["divFactor"],
                final_div_factor=c["finalDivFactor"],
                three_phase=c["threePhase"],
                cycle_momentum=False,
            )
        if kind == "reduceOnPlateau":
            return S.ReduceLROnPlateau(
                opt,
                mode=c["mode"],
                factor=c["factor"],
                patience=c["patience"],
                threshold=c["threshold"],
                cooldown=c["cooldown"],
                min_lr=[c["minLr"] * g["lr_scale"] for g in opt.param_groups],
            )
        return None

    def lr(self):
        return self.optimizer.param_groups[0]["lr"]

    def after_step(self, total_steps_done, total_steps):
        # OneCycleLR refuses a step past its total; the core holds the last lr there.
        if self.kind in PER_STEP and self.scheduler is not None and total_steps_done < total_steps:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                self.scheduler.step()

    def after_epoch(self, metrics):
        if self.scheduler is None or self.kind in PER_STEP:
            return
        if self.kind == "reduceOnPlateau":
            value = metrics.get(self.config["monitor"])
            if value is None:
                raise ValueError(f"schedule.monitor is \"{self.config['monitor']}\", which this run does not report (it reports {', '.join(metrics)})")
            self.scheduler.step(value)
            return
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self.scheduler.step()

    def state_dict(self):
        return self.scheduler.state_dict() if self.scheduler is not None else None

    def load_state_dict(self, state):
        if self.scheduler is not None and state is not None:
            self.scheduler.load_state_dict(state)
