"""The engine's command line (what src/node/torchEngine/torchProcess.ts runs).

    python -m studio_torch train job.json            train a job folder (also: python -m studio_torch job.json)
    python -m studio_torch check SPEC|- [--world-size=N]   only the refusals, for a parsed RunSpec (or a job)

Under torchrun for several processes. Exit codes: 0 trained (the run's own outcome is in
events.jsonl and summary.json) or nothing to refuse; 2 refused before anything was written,
with a JSON line {"refused": [{"field", "reason"}]} on stderr; 3 no usable PyTorch, one
sentence on stderr; 1 anything else.
"""
import ctypes
import json
import os
import signal
import sys

MIN_TORCH = (1, 13)
USAGE = "usage: python -m studio_torch train job.json | python -m studio_torch check spec.json|- [--world-size=N]"


def _refuse(problems):
    print(json.dumps({"refused": [{"field": f, "reason": r} for f, r in problems]}), file=sys.stderr, flush=True)
    return 2


def _torch_problem():
    try:
        import torch
        import torchvision  # noqa: F401 - the engine's augmentation needs it
    except ImportError as e:
        return f"the PyTorch engine needs torch >= {'.'.join(map(str, MIN_TORCH))} and torchvision, and this Python ({sys.executable}) cannot import them ({e})."
    version = tuple(int(p) for p in torch.__version__.split("+")[0].split(".")[:2] if p.isdigit())
    if version < MIN_TORCH:
        return f"the PyTorch engine needs torch >= {'.'.join(map(str, MIN_TORCH))}, this Python ({sys.executable}) has {torch.__version__}."
    return None


def write_failed(job, error):
    """summary.json for a run that could not start (FailedRunSummary in src/node/trainRun.ts)."""
    import torch

    os.makedirs(job.run_dir, exist_ok=True)
    summary = {
        "status": "failed",
        "message": f"{type(error).__name__}: {error}",
        "specHash": job.spec_hash,
        "backend": f"torch-{'cuda' if torch.cuda.is_available() else 'cpu'}",
    }
    with open(os.path.join(job.run_dir, "summary.json"), "w", encoding="utf-8") as f:
        json.dump(summary, f, indent=2)


def check(source, world):
    """Refusals for a spec (or a job's spec) read from a file or stdin ("-")."""
    from . import models
    from .job import spec_refusals

    try:
        raw = json.load(sys.stdin) if source == "-" else json.load(open(source, encoding="utf-8"))
    except (OSError, ValueError) as e:
        return _refuse([("spec", f"cannot be read: {e}")])
    spec = raw.get("spec", raw) if isinstance(raw, dict) and raw.get("format") else raw
    if not isinstance(spec, dict):
        return _refuse([("spec", "must be a JSON object")])
    problems = spec_refusals(spec, world, models.unsupported)
    return _refuse(problems) if problems else 0


def train(path, world, rank, local_rank):
    from . import models
    from .job import Job, Refused, refusals

    try:
        job = Job(path)
    except (OSError, ValueError) as e:
        return _refuse([("job.json", f"cannot be read: {e}")]) if rank == 0 else 2
    problems = refusals(job, world, models.unsupported)
    if problems:
        # Under torchrun every rank refuses alike; one report is enough.
        return _refuse(problems) if rank == 0 else 2

    import torch
    import torch.distributed as dist

    from .train import Trainer, install_stop_handler

    if world > 1:
        if torch.cuda.is_available():
            torch.cuda.set_device(local_rank)
        dist.init_process_group("nccl" if torch.cuda.is_available() else "gloo")
    try:
        try:
            trainer = Trainer(job, (rank, world, local_rank))
        except Refused as r:
            return _refuse(r.problems) if rank == 0 else 2
        except Exception as e:  # noqa: BLE001 - the run's folder says why it failed, as trainRun's writeFailed does
            if rank == 0:
                write_failed(job, e)
            print(f"studio_torch: {type(e).__name__}: {e}", file=sys.stderr)
            return 1
        install_stop_handler(trainer)
        trainer.fit()
        return 0
    finally:
        if dist.is_initialized():
            dist.destroy_process_group()


def die_with_parent(sig=signal.SIGKILL):
    """Linux: end when the launcher (torchrun, or the studio's Node process) is gone, however it
    went (a kill -9 included), so no rank trains on unwatched beside a resumed copy of its job.
    Nothing is lost that a resume would need: checkpoints are written whole or not at all."""
    parent = os.getppid()
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, int(sig))  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:
        os._exit(1)


def main(argv):
    die_with_parent()
    args = [a for a in argv if not a.startswith("--")]
    world_arg = next((a.split("=", 1)[1] for a in argv if a.startswith("--world-size=")), None)
    command = args[0] if args and args[0] in ("train", "check") else "train"
    rest = args[1:] if args and args[0] in ("train", "check") else args
    if len(rest) != 1:
        print(USAGE, file=sys.stderr)
        return 1
    problem = _torch_problem()
    if problem:
        print(problem, file=sys.stderr)
        return 3
    launched = "WORLD_SIZE" in os.environ
    world = int(world_arg or os.environ.get("WORLD_SIZE", "1"))
    if command == "check":
        return check(rest[0], world)
    if not launched:
        world = 1
    return train(rest[0], world, int(os.environ.get("RANK", "0")), int(os.environ.get("LOCAL_RANK", "0")))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
