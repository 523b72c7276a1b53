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

    def lines(self):
        if not os.path.exists(self.path):
            return []
        with open(self.path, encoding="utf-8") as f:
            return [line.rstrip("\n") for line in f if line.strip()]

    def read(self):
        return [json.loads(line) for line in self.lines()]

    def truncate_to(self, epoch, step):
        """Keeps what eventsUpTo.ts keeps for a checkpoint at (epoch, step): a resume replays the rest.

        The kept lines stay byte for byte, so a host tailing the file (EventTail) recognises them."""
        kept = []
        for line in self.lines():
            e = json.loads(line)
            t = e.get("type")
            if t == "step":
                keep = e["step"] <= step and e["epoch"] < epoch
            elif t in ("epoch", "checkpoint"):
                keep = e["step"] <= step
            else:
                keep = t == "trainBegin"
            if keep:
                kept.append(line)
        tmp = f"{self.path}.tmp-{os.getpid()}"
        with open(tmp, "w", encoding="utf-8") as f:
            for line in kept:
                f.write(line + "\n")
        os.replace(tmp, self.path)
