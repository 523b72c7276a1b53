"""The job folder Node prepares (docs/torch-engine.md) and what the engine refuses in it."""
import json
import os

JOB_FORMAT = "studio-torch-job/1"


class Refused(Exception):
    """Fields the engine cannot run, each with its reason; raised before anything is written."""

    def __init__(self, problems):
        super().__init__("; ".join(f"{f}: {r}" for f, r in problems))
        self.problems = problems


class Job:
    def __init__(self, path):
        self.path = os.path.abspath(path)
        self.folder = os.path.dirname(self.path)
        with open(self.path, encoding="utf-8") as f:
            raw = json.load(f)
        self.raw = raw
        self.format = raw.get("format")
        self.spec = raw.get("spec") or {}
        self.spec_hash = raw.get("specHash", "")
        self.run_dir = raw.get("runDir", "")
        self.image_size = raw.get("imageSize")
        self.channels = raw.get("channels")
        self.samples = raw.get("samples")
        self.class_names = raw.get("classNames") or []
        self.labels = raw.get("labels") or []
        self.boxes = raw.get("boxes")
        self.split = raw.get("split") or {"train": [], "val": [], "test": []}
        self.identity_rows = raw.get("trainIdentityRows")
        self.resume = bool(raw.get("resume", False))

    @property
    def pixels_path(self):
        return os.path.join(self.folder, "pixels.u8")

    @property
    def initial_path(self):
        return os.path.join(self.folder, "initial.safetensors")


def _unique(problems):
    """One reason per field: the engine's own and the model zoo's may both name model.convention."""
    seen = set()
    out = []
    for field, reason in problems:
        if field not in seen:
            seen.add(field)
            out.append((field, reason))
    return out


def spec_refusals(spec, world_size, model_unsupported):
    """What of a (parsed, defaulted) RunSpec the engine cannot train on `world_size` processes."""
    out = []
    for key in ("data", "model", "task", "loss", "optimizer", "schedule", "training"):
        if not isinstance(spec.get(key), dict):
            out.append((key, "is missing from the spec (the engine reads a parsed spec, every default filled in)"))
    if out:
        return out
    training, model = spec["training"], spec["model"]
    if training["batchSize"] % world_size != 0:
        out.append(("training.batchSize", f"must divide evenly over the {world_size} processes, got {training['batchSize']}"))
    if model.get("convention") == "keras" or (model.get("convention") is None and spec.get("version", 2) < 2):
        out.append(("model.convention", "keras (TensorFlow's padding and batch-norm statistics) has no PyTorch equivalent; use torchvision"))
    out.extend(model_unsupported(spec))
    return _unique(out)


def refusals(job, world_size, model_unsupported):
    """Every (field, reason) that stops this job before training; empty when it can run."""
    if job.format != JOB_FORMAT:
        return [("format", f"this engine reads {JOB_FORMAT} jobs, got {job.format!r}")]
    out = spec_refusals(job.spec, world_size, model_unsupported)
    if any(field in ("data", "model", "task", "loss", "optimizer", "schedule", "training") for field, _ in out):
        return out
    spec = job.spec
    training = spec["training"]
    if not os.path.isfile(job.pixels_path):
        out.append(("pixels.u8", f"the job folder has no {job.pixels_path}"))
    elif job.samples is not None and job.image_size and job.channels:
        want = job.samples * job.image_size * job.image_size * job.channels
        have = os.path.getsize(job.pixels_path)
        if have != want:
            out.append(("pixels.u8", f"holds {have} bytes, the job says {job.samples} × {job.image_size}² × {job.channels} = {want}"))
    if len(job.labels) != job.samples:
        out.append(("labels", f"has {len(job.labels)} entries for {job.samples} samples"))
    if not job.split.get("train"):
        out.append(("split.train", "the training split is empty: add images or change data.split"))
    for field, section in (("training.earlyStopping.monitor", training.get("earlyStopping")), ("schedule.monitor", spec["schedule"] if spec["schedule"].get("type") == "reduceOnPlateau" else None)):
        if section and str(section.get("monitor", "")).startswith("val_") and not job.split.get("val"):
            out.append((field, f"monitors {section['monitor']}, but the validation split is empty"))
    task = spec["task"]["kind"]
    if task != "detection" and len(job.class_names) < 2:
        out.append(("classNames", f"training needs at least 2 classes, the data has {len(job.class_names)}"))
    if task == "detection" and job.boxes is None:
        out.append(("boxes", "a detection job needs a box per sample"))
    if task == "embedding" and job.identity_rows is None:
        out.append(("trainIdentityRows", "an embedding job needs the margin head's row per class"))
    return _unique(out)
