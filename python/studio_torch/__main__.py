"""`python -m studio_torch job.json [--check] [--world-size N]`.

Exit codes: 0 trained (the run's own outcome is in summary.json), 2 refused before training
(a JSON line {"refused": [{"field", "reason"}]} on stderr), 3 no usable PyTorch, 1 anything else.
"""
import json
import os
import sys

MIN_TORCH = (1, 13)


def _refuse(problems):
    print(json.dumps({"refused": [{"field": f, "reason": r} for f, r in problems]}), file=sys.stderr, flush=True)
    return 2


def _torch_problem():
    try:
        import torch  # noqa: F401
        import torchvision  # noqa: F401
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


def main(argv):
    args = [a for a in argv if not a.startswith("--")]
    check = "--check" in argv
    world_arg = next((a.split("=", 1)[1] for a in argv if a.startswith("--world-size=")), None)
    if len(args) != 1:
        print("usage: python -m studio_torch job.json [--check] [--world-size=N]", file=sys.stderr)
        return 1
    problem = _torch_problem()
    if problem:
        print(problem, file=sys.stderr)
        return 3

    from . import models
    from .job import Job, Refused, refusals

    world = int(world_arg or os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    try:
        job = Job(args[0])
    except (OSError, ValueError) as e:
        return _refuse([("job.json", f"cannot be read: {e}")])
    problems = refusals(job, world, models.unsupported)
    if problems:
        # Under torchrun every rank refuses alike; one report is enough.
        return _refuse(problems) if rank == 0 else 2
    if check:
        return 0

    import torch
    import torch.distributed as dist

    from .train import Trainer, install_stop_handler

    if world > 1 and "WORLD_SIZE" in os.environ:
        if torch.cuda.is_available():
            torch.cuda.set_device(local_rank)
        dist.init_process_group("nccl" if torch.cuda.is_available() else "gloo")
    else:
        world, rank, local_rank = 1, 0, 0
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


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
