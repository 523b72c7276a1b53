"""A stand-in for the model zoo in PyTorch: the `mlp` architecture only.

The full zoo (`build_model` for every architecture) replaces this file; the trainer uses
only these four functions. Layer names are the zoo's, so the state_dict has the
studio-torch names (`dense1.weight`, `logits.bias`, ...).
"""
import torch
from torch import nn
import torch.nn.functional as F

_HIDDEN = (512, 256)
_DETECTION_HIDDEN = 2048


def _channels(units, width):
    return max(1, round(units * width))


class _Act(nn.Module):
    def __init__(self, kind):
        super().__init__()
        self.kind = kind

    def forward(self, x):
        if self.kind == "relu":
            return F.relu(x)
        if self.kind == "leakyRelu":
            return F.leaky_relu(x, 0.2)
        if self.kind == "gelu":
            return F.gelu(x)
        return x


class _Mlp(nn.Module):
    def __init__(self, spec, num_classes):
        super().__init__()
        model, head, task = spec["model"], spec["model"]["head"], spec["task"]["kind"]
        size, channels, width = model["inputSize"], spec["data"]["channels"], model["width"]
        self.task = task
        self.head_spec = head
        features = size * size * channels
        self.dense1 = nn.Linear(features, _channels(_HIDDEN[0], width))
        self.dense2 = nn.Linear(self.dense1.out_features, _channels(_HIDDEN[1], width))
        vector = self.dense2.out_features
        self.branches = {}
        if task == "classification":
            vector = self._stack("head", vector, head["hidden"])
            self.classifier_dropout = nn.Dropout(head["dropout"])
            self.logits = nn.Linear(vector, num_classes)
        elif task == "embedding":
            vector = self._stack("head", vector, head["hidden"])
            self.embedding_bn = nn.BatchNorm1d(vector, eps=1e-3, momentum=0.01)
            self.embedding_fc = nn.Linear(vector, model["embeddingSize"])
        else:
            hidden = head["hidden"] or [_channels(_DETECTION_HIDDEN, width)]
            self.class_logits = nn.Linear(self._stack("class", vector, hidden), num_classes)
            self.box_fc = nn.Linear(self._stack("box", vector, hidden), 4)

    def _stack(self, prefix, vector, units):
        names = []
        for i, n in enumerate(units):
            name = f"{prefix}_dense{i + 1}"
            setattr(self, name, nn.Linear(vector, n))
            if self.head_spec["batchNorm"]:
                setattr(self, f"{name}_bn", nn.BatchNorm1d(n, eps=1e-3, momentum=0.01))
            names.append(name)
            vector = n
        self.branches[prefix] = names
        return vector

    def _run(self, prefix, x):
        for name in self.branches.get(prefix, []):
            x = getattr(self, name)(x)
            if self.head_spec["batchNorm"]:
                x = getattr(self, f"{name}_bn")(x)
            x = _Act(self.head_spec["activation"])(x)
            x = F.dropout(x, self.head_spec["dropout"], self.training)
        return x

    def forward(self, x):
        # The zoo flattens NHWC, so the first dense layer's rows follow that order.
        x = torch.flatten(x.permute(0, 2, 3, 1), 1)
        x = F.relu(self.dense2(F.relu(self.dense1(x))))
        if self.task == "classification":
            x = self._run("head", x)
            if not self.branches["head"]:
                x = self.classifier_dropout(x)
            return self.logits(x)
        if self.task == "embedding":
            x = self.embedding_fc(self.embedding_bn(self._run("head", x)))
            return F.normalize(x, dim=1)
        return self.class_logits(self._run("class", x)), torch.sigmoid(self.box_fc(self._run("box", x)))


def build_model(spec, num_classes):
    return _Mlp(spec, num_classes)


def unsupported(spec):
    arch = spec["model"]["architecture"]
    if arch != "mlp":
        return [("model.architecture", f"this build of the PyTorch engine has only mlp, got {arch}")]
    return []


def backbone_parameter_names(model, spec):
    return [n for n, _ in model.named_parameters() if n.startswith(("dense1.", "dense2."))]


def freeze(model, spec, frozen_blocks):
    """Freezes the first `frozen_blocks` blocks (dense1, dense2) and unfreezes the rest, so 0 unfreezes all."""
    blocks = ["dense1", "dense2"][:frozen_blocks]
    for name, p in model.named_parameters():
        if name.split(".")[0] in ("dense1", "dense2"):
            p.requires_grad_(name.split(".")[0] not in blocks)
