"""events.jsonl in the studio's schema (src/core/train/trainEvent.ts), and its truncation on resume."""
import json
import math
import os
import time


def now_ms():
    return int(time.time() * 1000)


def clean_json(value):
    """JSON has no NaN or Infinity: JSON.stringify writes them as null, so do the same."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: clean_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean_json(v) for v in value]
    return value


class EventLog:
    def __init__(self, run_dir):
        self.path = os.path.join(run_dir, "events.jsonl")

    def append(self, event):
        with open(self.path, "a", encoding="utf-8") as f:
            f.write(json.dumps(clean_json(event), separators=(",", ":")) + "\n")

    def read(self):
        if not os.path.exists(self.path):
            return []
        with open(self.path, encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]

    def truncate_to(self, epoch, step):
        """Keeps what eventsUpTo.ts keeps for a checkpoint at (epoch, step): a resume replays the rest."""
        kept = []
        for e in self.read():
            t = e.get("type")
            if t == "step":
                keep = e["step"] <= step and e["epoch"] < epoch
            elif t in ("epoch", "checkpoint"):
                keep = e["step"] <= step
            else:
                keep = t == "trainBegin"
            if keep:
                kept.append(e)
        tmp = f"{self.path}.tmp-{os.getpid()}"
        with open(tmp, "w", encoding="utf-8") as f:
            for e in kept:
                f.write(json.dumps(e, separators=(",", ":")) + "\n")
        os.replace(tmp, self.path)
