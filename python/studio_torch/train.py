"""The training loop: src/core/train/trainer.ts on PyTorch, one process or DistributedDataParallel.

Every rank runs the same loop on its shard of each global batch; rank 0 alone evaluates,
writes events, checkpoints and the summary, and hands the epoch's metrics to the others so
every decision (early stopping, the plateau schedule, checkpoints) is taken alike.
"""
import json
import math
import os
import shutil
import signal
import time
from contextlib import nullcontext

import torch
import torch.distributed as dist
from torch import nn
from torch.nn.parallel import DistributedDataParallel as DDP
from torch.utils.data import DistributedSampler

from . import models
from .checkpoints import has_checkpoint, read_checkpoint, write_checkpoint
from .data import Pixels, augment, mixup, normalization_params, normalize
from .events import EventLog, clean_json, now_ms
from .job import Refused
from .losses import Objective
from .metrics import evaluate_split
from .optim import Schedule, create_optimizer, parameter_groups
from .safetensors_io import read_safetensors

LOSS_PREFIX = "loss."
OBJECTIVE_PREFIX = "objective.head."
NET_PREFIX = "net."
STOP_AFTER_ENV = "STUDIO_TORCH_STOP_AFTER_EPOCHS"


class _Stop(Exception):
    def __init__(self, reason, message):
        super().__init__(message)
        self.reason = reason
        self.message = message


def epoch_plan(train_samples, batch_size, accumulation):
    """epochPlan.ts: drop a ragged last batch only when there is more than one batch."""
    drop_last = train_samples >= 2 * batch_size
    micro = train_samples // batch_size if drop_last else -(-train_samples // batch_size)
    return drop_last, micro, -(-micro // accumulation)


class Combined(nn.Module):
    """The model and the objective in one module, so DDP averages the margin head's gradients too.

    `loss_name` is the name the margin head's centres go by in the files: `loss.` and the
    tfjs variable's name, as initial.safetensors gives it (writeTorchJob's lossTensorName)."""

    def __init__(self, net, objective):
        super().__init__()
        self.net = net
        self.objective = objective
        self.loss_name = LOSS_PREFIX + "weight"

    def forward(self, x, labels, soft, boxes):
        total, parts, correct = self.objective.compute(self.net(x), labels, soft, boxes)
        return total, parts, correct


def studio_tensors(combined):
    """The state in studio-torch names: the zoo's own, the margin head's as `loss.*`, no
    num_batches_tracked; CPU copies, so kept best weights take no accelerator memory."""
    out = {}
    for key, value in combined.state_dict().items():
        if key.endswith("num_batches_tracked") or key == "objective.row_of":
            continue
        if key.startswith(NET_PREFIX):
            out[key[len(NET_PREFIX) :]] = value.detach().to("cpu", copy=True)
        elif key == OBJECTIVE_PREFIX + "weight":
            out[combined.loss_name] = value.detach().to("cpu", copy=True)
    return out


def load_studio_tensors(combined, tensors, what):
    """Loads studio-torch names strictly: every model tensor present with its shape, nothing extra.

    `loss.*` may be left out (the margin head then keeps its seeded start); PyTorch's
    `num_batches_tracked` counters, where a file has them, are not weights and are skipped."""
    tensors = {k: v for k, v in tensors.items() if not k.endswith("num_batches_tracked")}
    losses = [k for k in tensors if k.startswith(LOSS_PREFIX)]
    if len(losses) == 1 and combined.objective.head is not None:
        combined.loss_name = losses[0]
    own = studio_tensors(combined)
    missing = [k for k in own if k not in tensors and not k.startswith(LOSS_PREFIX)]
    extra = [k for k in tensors if k not in own]
    wrong = [f"{k} {list(tensors[k].shape)} (the model's is {list(own[k].shape)})" for k in own if k in tensors and tuple(tensors[k].shape) != tuple(own[k].shape)]
    problems = []
    if missing:
        problems.append(f"lacks {', '.join(missing[:5])}{' …' if len(missing) > 5 else ''}")
    if extra:
        problems.append(f"has tensors the model does not: {', '.join(extra[:5])}{' …' if len(extra) > 5 else ''}")
    if wrong:
        problems.append(f"has the wrong shape for {', '.join(wrong[:5])}")
    if problems:
        raise Refused([(what, "; ".join(problems))])
    state = combined.state_dict()
    with torch.no_grad():
        for key in state:
            if key.startswith(NET_PREFIX) and key[len(NET_PREFIX) :] in tensors:
                state[key].copy_(tensors[key[len(NET_PREFIX) :]])
            elif key == OBJECTIVE_PREFIX + "weight" and combined.loss_name in tensors:
                state[key].copy_(tensors[combined.loss_name])


class Monitor:
    """earlyStopping.ts: Keras semantics, stop once `wait` reaches `patience`."""

    def __init__(self, monitor, mode, patience, min_delta):
        self.monitor, self.mode, self.patience, self.min_delta = monitor, mode, patience, min_delta
        self.state = {"best": math.inf if mode == "min" else -math.inf, "bestEpoch": -1, "wait": 0}

    @property
    def best(self):
        return None if self.state["bestEpoch"] < 0 else {"epoch": self.state["bestEpoch"], "value": self.state["best"]}

    def update(self, epoch, metrics):
        value = metrics.get(self.monitor)
        if value is None or not math.isfinite(value):
            raise ValueError(f'early stopping monitors "{self.monitor}", which this run does not report (it reports {", ".join(metrics)})')
        best = self.state["best"]
        improved = value < best - self.min_delta if self.mode == "min" else value > best + self.min_delta
        if improved:
            self.state = {"best": value, "bestEpoch": epoch, "wait": 0}
            return True, False
        self.state["wait"] += 1
        return False, self.state["wait"] >= self.patience


def _memory_bytes(device):
    if device.type == "cuda":
        return int(torch.cuda.memory_allocated(device))
    try:
        with open("/proc/self/statm", encoding="ascii") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return 0


def _rng_state(aug_gen):
    state = {"torch": torch.get_rng_state(), "aug": aug_gen.get_state()}
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def _set_rng_state(state, aug_gen):
    torch.set_rng_state(state["torch"])
    aug_gen.set_state(state["aug"])
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])


class Trainer:
    def __init__(self, job, dist_info):
        self.job = job
        self.spec = spec = job.spec
        self.rank, self.world, self.local_rank = dist_info
        self.distributed = self.world > 1
        self.device = torch.device(f"cuda:{self.local_rank}") if torch.cuda.is_available() else torch.device("cpu")
        # What the studio shows as the run's backend: the engine, its version and what one job spans.
        where = f"{self.world}× {self.device.type}" if self.distributed else self.device.type
        self.backend = f"torch {torch.__version__.split('+')[0]} · {where}"
        t = spec["training"]
        self.seed = t["seed"]
        # Every rank builds the same start (DDP would broadcast rank 0's anyway); dropout and
        # augmentation then draw from a stream of their own per rank.
        torch.manual_seed(self.seed)
        self.aug_gen = torch.Generator().manual_seed(self.seed * 7919 + self.rank + 1)
        self.num_classes = len(job.class_names)
        self.pixels = Pixels(job.pixels_path, job.samples, job.image_size, job.channels)
        self.norm = normalization_params(spec["data"]["normalization"], job.channels)
        self.train_idx = list(job.split["train"])
        self.drop_last, self.micro, self.steps_per_epoch = epoch_plan(len(self.train_idx), t["batchSize"], t["gradientAccumulation"])
        self.per_rank = t["batchSize"] // self.world
        self.total_steps = self.steps_per_epoch * t["epochs"]

        net = models.build_model(spec, max(self.num_classes, 1))
        objective = Objective(spec, self.num_classes, self._row_of(), seed=self.seed)
        self.combined = Combined(net, objective).to(self.device)
        if os.path.isfile(job.initial_path):
            load_studio_tensors(self.combined, read_safetensors(job.initial_path), "initial.safetensors")
        torch.manual_seed(self.seed + self.rank)
        self.unfrozen = False
        frozen = spec["model"].get("frozenLayers", 0)
        if frozen > 0:
            models.freeze(net, spec, frozen)
        backbone = set(models.backbone_parameter_names(net, spec))
        named = [(NET_PREFIX + n, p) for n, p in net.named_parameters()] + [("objective." + n, p) for n, p in objective.named_parameters()]
        groups = parameter_groups(named, {NET_PREFIX + n for n in backbone}, spec["optimizer"])
        self.optimizer = create_optimizer(groups, spec["optimizer"])
        self.schedule = Schedule(self.optimizer, spec["schedule"], self.steps_per_epoch, t["epochs"])
        es = t.get("earlyStopping")
        self.early = Monitor(es["monitor"], es["mode"], es["patience"], es["minDelta"]) if es else None
        ck = t["checkpoint"]
        self.best_tracker = Monitor(ck["monitor"], ck["mode"], math.inf, 0)
        self.best_weights = None
        self.epoch = 0
        self.step = 0
        self.stop_requested = False
        self.stop_at_epoch_end = False
        self.events = EventLog(job.run_dir)
        # torchrun --max_restarts starts the whole group again after a rank dies: it goes on from torch-last.
        self.resuming = job.resume or (int(os.environ.get("TORCHELASTIC_RESTART_COUNT", "0") or 0) > 0 and has_checkpoint(job.run_dir, "last"))
        if self.resuming:
            self._restore()
        self.ddp = self._wrap()

    def _row_of(self):
        rows = self.job.identity_rows
        if self.spec["task"]["kind"] != "embedding" or rows is None:
            return None
        row_of = rows["rowOf"]
        if len(row_of) == self.num_classes:
            return torch.as_tensor(row_of, dtype=torch.long)
        # A row per sample: the row of each label, read off the training samples.
        by_label = [-1] * self.num_classes
        for i in range(len(row_of)):
            if row_of[i] >= 0:
                by_label[self.job.labels[i]] = row_of[i]
        return torch.as_tensor(by_label, dtype=torch.long)

    def _wrap(self):
        """DDP registers the parameters that train when it is built, so an unfreeze wraps again."""
        if not self.distributed:
            return self.combined
        ids = [self.local_rank] if self.device.type == "cuda" else None
        return DDP(self.combined, device_ids=ids)

    def _train_mode(self):
        """Training mode, with the frozen blocks put back as freeze() leaves them (their batch
        norms on running statistics where the spec says so) until they unfreeze."""
        self.ddp.train()
        frozen = self.spec["model"].get("frozenLayers", 0)
        if frozen > 0 and not self.unfrozen:
            models.freeze(self.combined.net, self.spec, frozen)

    def _unfreeze_if_due(self, epochs_done):
        after = self.spec["model"].get("unfreezeAfterEpochs")
        if after is None or self.unfrozen or epochs_done < after:
            return False
        self.unfrozen = True
        # freeze(…, 0) also lets the frozen blocks' batch norms train again.
        models.freeze(self.combined.net, self.spec, 0)
        for p in self.combined.net.parameters():
            p.requires_grad_(True)
        return True


    def _state(self, epoch):
        rng = _rng_state(self.aug_gen)
        if self.distributed:
            gathered = [None] * self.world
            dist.all_gather_object(gathered, rng)
            rng = gathered
        else:
            rng = [rng]
        best = self.best_tracker.best
        return {
            "format": "studio-torch-state/1",
            "specHash": self.job.spec_hash,
            "classNames": self.job.class_names,
            "epoch": epoch,
            "step": self.step,
            "worldSize": self.world,
            "optimizer": self.optimizer.state_dict(),
            "scheduler": self.schedule.state_dict(),
            "rng": rng,
            "earlyStopping": {"early": dict(self.early.state) if self.early else None, "best": dict(self.best_tracker.state)},
            "best": {"epoch": best["epoch"], "monitor": self.best_tracker.monitor, "value": best["value"]} if best else None,
            "bestWeights": self.best_weights,
            "unfrozen": self.unfrozen,
        }

    def _save(self, names, epoch):
        """Every rank gathers its random state; rank 0 writes."""
        state = self._state(epoch)
        if self.rank != 0:
            return
        tensors = studio_tensors(self.combined)
        for name in names:
            write_checkpoint(self.job.run_dir, name, tensors, state)

    def _restore(self):
        if not has_checkpoint(self.job.run_dir, "last"):
            raise Refused([("resume", f"nothing to resume in {self.job.run_dir}: it has no torch-last checkpoint yet")])
        tensors, state = read_checkpoint(self.job.run_dir, "last")
        if state.get("specHash") != self.job.spec_hash:
            raise Refused([("resume", f"torch-last belongs to spec {state.get('specHash')}, this job's spec is {self.job.spec_hash}: resume with the same spec")])
        if list(state.get("classNames", [])) != list(self.job.class_names):
            raise Refused([("resume", f"torch-last was trained on classes {state.get('classNames')}, the data has {self.job.class_names}")])
        if state.get("unfrozen"):
            self._unfreeze_if_due(10**9)
        load_studio_tensors(self.combined, tensors, "checkpoints/torch-last/model.safetensors")
        self.optimizer.load_state_dict(state["optimizer"])
        self.schedule.load_state_dict(state["scheduler"])
        es = state["earlyStopping"]
        if self.early and es.get("early"):
            self.early.state = dict(es["early"])
        self.best_tracker.state = dict(es["best"])
        self.best_weights = state.get("bestWeights")
        rng = state["rng"]
        # Each rank continues its own random stream where the world size is unchanged.
        _set_rng_state(rng[self.rank] if len(rng) == self.world else rng[0], self.aug_gen)
        self.epoch = state["epoch"]
        self.step = state["step"]


    def _emit(self, event):
        if self.rank == 0:
            self.events.append(event)

    def _params(self):
        """modelCost.ts counts every weight of the model, batch-norm statistics included."""
        return sum(t.numel() for k, t in self.combined.net.state_dict().items() if not k.endswith("num_batches_tracked"))


    def _batch(self, indices, training):
        x = self.pixels.batch(indices, self.device)
        labels = torch.as_tensor([self.job.labels[i] for i in indices], dtype=torch.long, device=self.device)
        boxes = None
        if self.job.boxes is not None:
            boxes = torch.as_tensor([self.job.boxes[i] for i in indices], dtype=torch.float32, device=self.device)
        soft = None
        aug = self.spec["data"].get("augmentation") or {}
        if training:
            x = augment(x, aug, self.aug_gen, boxes)
            mix = aug.get("mixup")
            if mix:
                x, soft = mixup(x, nn.functional.one_hot(labels, self.num_classes).float(), mix["alpha"], mix.get("p", 1.0), self.aug_gen)
        return normalize(x, *self.norm), labels, soft, boxes

    def _reduce(self, values):
        """Sums a list of floats over the ranks (one all_reduce)."""
        t = torch.tensor(values, dtype=torch.float64, device=self.device)
        if self.distributed:
            dist.all_reduce(t)
        return t.tolist()

    def _read_window(self, w):
        names = sorted(w["parts"])
        mem = [0.0] * self.world
        mem[self.rank] = float(_memory_bytes(self.device))
        local = [w["loss"].item() if torch.is_tensor(w["loss"]) else 0.0, w["correct"].item() if torch.is_tensor(w["correct"]) else 0.0]
        local += [w["parts"][k].item() for k in names]
        local += [float(w["samples"]), 1.0 if self.stop_requested else 0.0] + mem
        summed = self._reduce(local)
        samples = max(summed[2 + len(names)], 1.0)
        metrics = {"acc": summed[1] / samples}
        for i, k in enumerate(names):
            metrics[k] = summed[2 + i] / samples
        stop = summed[3 + len(names)] > 0
        memory = summed[4 + len(names) :]
        return summed[0] / samples, metrics, summed[2 + len(names)], stop, memory

    def _memory_event(self, per_rank):
        return {"numTensors": 0, "numBytes": int(per_rank[0]) if per_rank else _memory_bytes(self.device)}

    def _assert_finite(self, loss, lr):
        if not math.isfinite(loss):
            raise _Stop(
                "nonFiniteLoss",
                f"the loss became {'NaN' if math.isnan(loss) else loss} at epoch {self.epoch + 1}, step {self.step} (lr {lr:.3g}); "
                "lower the learning rate or turn on gradient clipping. The last saved checkpoint still stands.",
            )

    def _new_window(self):
        return {"loss": 0.0, "correct": 0.0, "parts": {}, "samples": 0, "updates": 0, "started": time.time()}

    def _run_epoch(self):
        t = self.spec["training"]
        epoch_start = time.time()
        sampler = DistributedSampler(range(len(self.train_idx)), num_replicas=self.world, rank=self.rank, shuffle=True, seed=self.seed, drop_last=False)
        sampler.set_epoch(self.epoch)
        shard = [self.train_idx[i] for i in sampler]
        accumulation = t["gradientAccumulation"]
        window = self._new_window()
        totals = {"loss": 0.0, "samples": 0.0, "metrics": {}}
        lr = self.schedule.lr()
        self._train_mode()

        def fold(loss, metrics, samples):
            totals["loss"] += loss * samples
            totals["samples"] += samples
            for k, v in metrics.items():
                totals["metrics"][k] = totals["metrics"].get(k, 0.0) + v * samples

        self.optimizer.zero_grad(set_to_none=True)
        for k in range(self.micro):
            indices = shard[k * self.per_rank : (k + 1) * self.per_rank]
            group_start = (k // accumulation) * accumulation
            in_group = min(accumulation, self.micro - group_start)
            last_micro = k == group_start + in_group - 1
            x, labels, soft, boxes = self._batch(indices, True)
            lr = self.schedule.lr()
            sync = self.ddp.no_sync() if self.distributed and not last_micro else nullcontext()
            with sync:
                total, parts, correct = self.ddp(x, labels, soft, boxes)
                # The update is the mean of its micro-batches' gradients (GradientAccumulator.mean).
                (total / in_group).backward()
            size = len(indices)
            d = total.detach()
            window["loss"] = window["loss"] + d * size
            window["correct"] = window["correct"] + correct.detach()
            for name, p in parts.items():
                window["parts"][name] = window["parts"].get(name, 0.0) + p.detach() * size
            window["samples"] += size
            if not last_micro:
                continue
            if t.get("clipNorm") is not None:
                torch.nn.utils.clip_grad_norm_([p for p in self.combined.parameters() if p.grad is not None], t["clipNorm"])
            self.optimizer.step()
            self.optimizer.zero_grad(set_to_none=True)
            self.step += 1
            self.schedule.after_step(self.step, self.total_steps)
            window["updates"] += 1
            if window["updates"] >= t["logEverySteps"]:
                loss, metrics, samples, stop, memory = self._read_window(window)
                self._assert_finite(loss, lr)
                fold(loss, metrics, samples)
                elapsed = max(time.time() - window["started"], 1e-3)
                steps_per_sec = window["updates"] / elapsed
                if self.world > 1:
                    for r, b in enumerate(memory):
                        metrics[f"memory_bytes_rank{r}"] = b
                self._emit(
                    {
                        "type": "step",
                        "epoch": self.epoch,
                        "step": self.step,
                        "loss": loss,
                        "metrics": metrics,
                        "lr": lr,
                        "samplesPerSec": samples / elapsed,
                        "etaSec": (self.total_steps - self.step) / steps_per_sec,
                        "memory": self._memory_event(memory),
                        "time": now_ms(),
                    }
                )
                window = self._new_window()
                if stop:
                    raise _Stop("stopped", "stopped by a signal")
        if window["samples"] > 0:
            loss, metrics, samples, stop, _ = self._read_window(window)
            self._assert_finite(loss, lr)
            fold(loss, metrics, samples)
            # A stop that arrived since the last logged step ends the run at this epoch's end.
            self.stop_at_epoch_end = self.stop_at_epoch_end or stop
        return self._end_epoch(epoch_start, totals, lr)

    def _evaluate(self, indices, prefix):
        """Rank 0 evaluates; every rank gets the metrics."""
        out = [None]
        if self.rank == 0:
            out[0] = evaluate_split(
                self.spec, self.combined.net, self.combined.objective, self.pixels, self.job.labels, self.job.boxes, list(indices), prefix, self.device, self.norm
            )
        if self.distributed:
            dist.broadcast_object_list(out, src=0)
        return out[0]

    def _end_epoch(self, epoch_start, totals, lr):
        spec, t = self.spec, self.spec["training"]
        n = max(totals["samples"], 1)
        metrics = {"loss": totals["loss"] / n}
        for k, v in totals["metrics"].items():
            metrics[k] = v / n
        if self.job.split.get("val"):
            metrics.update(self._evaluate(self.job.split["val"], "val_"))
        self.schedule.after_epoch(metrics)
        duration = time.time() - epoch_start
        self._emit(
            {
                "type": "epoch",
                "epoch": self.epoch,
                "step": self.step,
                "metrics": metrics,
                "lr": lr,
                "samplesPerSec": totals["samples"] / max(duration, 1e-3),
                "durationSec": duration,
                "etaSec": (t["epochs"] - self.epoch - 1) * duration,
                "memory": self._memory_event([_memory_bytes(self.device)]),
                "time": now_ms(),
            }
        )
        stop = None
        if self.early:
            improved, should_stop = self.early.update(self.epoch, metrics)
            if improved and t["earlyStopping"]["restoreBestWeights"]:
                self.best_weights = studio_tensors(self.combined)
            if should_stop:
                best = self.early.best
                stop = (
                    f"early stopping: {self.early.monitor} did not improve for {t['earlyStopping']['patience']} epochs "
                    f"(best {best['value']:.4g} at epoch {best['epoch'] + 1})"
                )
        # Before the checkpoint, so it resumes in the phase it was saved in (trainer.ts).
        if self._unfreeze_if_due(self.epoch + 1):
            self.ddp = self._wrap()
        ck = t["checkpoint"]
        value = metrics.get(ck["monitor"])
        improved_best = self.best_tracker.update(self.epoch, metrics)[0] if value is not None and math.isfinite(value) else False
        kinds = []
        if ck["everyEpochs"] > 0 and (self.epoch + 1) % ck["everyEpochs"] == 0:
            kinds.append("periodic")
        if ck["keepBest"] and improved_best:
            kinds.append("best")
        if kinds:
            self._save(["last" if k == "periodic" else "best" for k in kinds], self.epoch + 1)
            for kind in kinds:
                self._emit({"type": "checkpoint", "epoch": self.epoch + 1, "step": self.step, "kind": kind, "time": now_ms()})
        return stop

    def fit(self):
        spec, t = self.spec, self.spec["training"]
        if self.rank == 0:
            os.makedirs(self.job.run_dir, exist_ok=True)
            if self.resuming:
                self.events.truncate_to(self.epoch, self.step)
            else:
                self._clear_previous()
        begin = {
            "type": "trainBegin",
            "specHash": self.job.spec_hash,
            "backend": self.backend,
            "epochs": t["epochs"],
            "stepsPerEpoch": self.steps_per_epoch,
            "totalSteps": self.total_steps,
            "startEpoch": self.epoch,
            "startStep": self.step,
            "trainSamples": len(self.train_idx),
            "valSamples": len(self.job.split.get("val", [])),
            "classNames": self.job.class_names,
            "params": self._params(),
            "worldSize": self.world,
            "time": now_ms(),
        }
        if spec["model"].get("unfreezeAfterEpochs") is not None and not self.unfrozen:
            begin["unfreezeAfterEpochs"] = spec["model"]["unfreezeAfterEpochs"]
        self._emit(begin)
        reason, message = "completed", f"trained {t['epochs']} epochs"
        stop_after = int(os.environ.get(STOP_AFTER_ENV, "0") or 0)
        try:
            while self.epoch < t["epochs"]:
                stop = self._run_epoch()
                self.epoch += 1
                if stop:
                    reason, message = "earlyStopped", stop
                    break
                if self.stop_at_epoch_end and self.epoch < t["epochs"]:
                    raise _Stop("stopped", "stopped by a signal")
                if stop_after and self.epoch >= stop_after and self.epoch < t["epochs"]:
                    raise _Stop("stopped", f"stopped after epoch {self.epoch} ({STOP_AFTER_ENV})")
        except _Stop as s:
            reason, message = s.reason, s.message
        except Exception as e:  # noqa: BLE001 - any failure ends the run with reason "error", as trainer.ts does
            reason, message = "error", f"{type(e).__name__}: {e}"
        if reason == "earlyStopped" and self.best_weights is not None and t["earlyStopping"]["restoreBestWeights"]:
            load_studio_tensors(self.combined, self.best_weights, "best weights")
            message += f"; restored the weights of epoch {self.early.best['epoch'] + 1}"
        if reason in ("completed", "earlyStopped", "stopped"):
            kind = "interrupted" if reason == "stopped" else "final"
            self._save(["final"] if kind == "interrupted" else ["last", "final"], self.epoch)
            self._emit({"type": "checkpoint", "epoch": self.epoch, "step": self.step, "kind": kind, "time": now_ms()})
        best = self.best_tracker.best
        end = {"type": "trainEnd", "reason": reason, "message": message, "epochsRun": self.epoch, "step": self.step}
        if best:
            end["best"] = {"epoch": best["epoch"], "monitor": self.best_tracker.monitor, "value": best["value"]}
        end["time"] = now_ms()
        self._emit(end)
        test = {} if reason == "error" else self._evaluate(self.job.split.get("test", []), "test_")
        if self.rank == 0:
            self._write_summary(end, test)
        return end

    def _clear_previous(self):
        """A fresh run starts with no line, summary or torch checkpoint of an earlier one (RunDirectory.clear)."""
        for name in ("events.jsonl", "summary.json"):
            path = os.path.join(self.job.run_dir, name)
            if os.path.exists(path):
                os.remove(path)
        folder = os.path.join(self.job.run_dir, "checkpoints")
        if os.path.isdir(folder):
            for name in os.listdir(folder):
                if name.startswith("torch-") or name.startswith(".torch-"):
                    shutil.rmtree(os.path.join(folder, name), ignore_errors=True)

    def _last_epoch_metrics(self):
        for e in reversed(self.events.read()):
            if e.get("type") == "epoch":
                return e["metrics"]
        return {}

    def _write_summary(self, end, test):
        """summary.json as src/node/trainRun.ts writes it."""
        reason = end["reason"]
        summary = {
            "status": "failed" if reason in ("error", "nonFiniteLoss") else "stopped" if reason == "stopped" else "completed",
            "specHash": self.job.spec_hash,
            "backend": self.backend,
            "reason": reason,
            "message": end["message"],
            "epochsRun": end["epochsRun"],
            "steps": end["step"],
            "final": self._last_epoch_metrics(),
        }
        if "best" in end:
            summary["best"] = end["best"]
        summary["test"] = test
        summary["classNames"] = self.job.class_names
        path = os.path.join(self.job.run_dir, "summary.json")
        tmp = f"{path}.tmp-{os.getpid()}"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(clean_json(summary), f, indent=2)
        os.replace(tmp, path)


def install_stop_handler(trainer):
    """SIGTERM/SIGINT stop at the next logged step, as the studio's Stop does (checkpoint kind interrupted)."""

    def handler(_signum, _frame):
        trainer.stop_requested = True

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)
