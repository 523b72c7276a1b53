"""The studio's model zoo in PyTorch: the same networks as src/core/models, tensor for tensor.

`build_model(spec, num_classes)` returns torchvision 0.14's module for the architecture (or
insightface's IResNet, or the studio's own `mlp` / `smallCnn`) with the studio's head
attached as flat attributes, so that `state_dict()` holds exactly the studio-torch names
`exportTorchWeights` writes (docs/torch-engine.md; `num_batches_tracked` aside):

- a layer torchvision defines keeps its path (`layer1.0.conv1.weight`, `features.3.conv.1.1
  .running_var`), the classifier included where the zoo has it (`fc`, `classifier.1`, ...);
- a layer the studio adds is `<zoo layer name>.<suffix>` (`head_dense1`, `embedding_bn`,
  `class_logits`, `box_fc`, `dense1`, `stage2_conv1`, ...).

`forward(x)` takes NCHW float and mirrors src/core/models/heads.ts: classification gives
logits [B, N]; embedding L2-normalized [B, E]; detection (logits [B, N], box [B, 4] in (0, 1)).

What cannot be reproduced exactly is listed by `unsupported(spec)` as (field path, reason),
for the engine to refuse naming the field.

The modules' own initial values are PyTorch's defaults, not the zoo's seeded ones: the engine
starts from initial.safetensors, which Node exports from the zoo (exportTorchWeights).
test/torchEngineModels.test.ts holds all of this to the tfjs zoo.
"""
import math

import torch
import torch.nn.functional as F
from torch import nn
from torchvision.models import efficientnet as tv_efficientnet
from torchvision.models import mobilenetv2 as tv_mobilenetv2
from torchvision.models import mobilenetv3 as tv_mobilenetv3
from torchvision.models import resnet as tv_resnet
from torchvision.models import vgg as tv_vgg

# heads.ts: seed 001's tracker has 2048 hidden units per branch (scaled by the width).
DETECTION_HIDDEN = 2048
# layerFactory.ts: nn.LeakyReLU's default slope.
LEAKY_RELU_SLOPE = 0.01
# buildModel.ts: insightface's embedding width where the spec leaves embeddingSize out.
DEFAULT_EMBEDDING_SIZE = 512
# vgg16.ts: five 'valid' 2x2 pools need 2^5 pixels.
VGG16_MIN_INPUT = 32

RESNETS = {"resnet18": (tv_resnet.BasicBlock, [2, 2, 2, 2]), "resnet34": (tv_resnet.BasicBlock, [3, 4, 6, 3]), "resnet50": (tv_resnet.Bottleneck, [3, 4, 6, 3])}
IRESNETS = {"iresnet18": [2, 2, 2, 2], "iresnet34": [3, 4, 6, 3], "iresnet50": [3, 4, 14, 3]}
# iresnet.ts: IResNet-Lite halves every channel count.
IRESNET_LITE_WIDTH = 0.5
# vgg16.ts: configuration D.
VGG16_BLOCKS = [[64, 64], [128, 128], [256, 256, 256], [512, 512, 512], [512, 512, 512]]
VGG16_FC = 4096
MLP_HIDDEN = [512, 256]
SMALL_CNN_STAGES = [32, 64, 128]
# The zoo's families whose definitions this file reproduces.
ARCHITECTURES = [*RESNETS, "mobilenetV2", "mobilenetV3Small", "efficientnetB0", "vgg16", *IRESNETS, *(a + "Lite" for a in IRESNETS), "mlp", "smallCnn"]


def js_round(x):
    """JavaScript's Math.round (halves up), which the zoo's channel counts use; Python rounds halves to even."""
    return math.floor(x + 0.5)


def scaled_channels(channels, width, extra=1.0):
    """layerFactory.channels: channels · width, rounded, never below 8."""
    return max(8, js_round(channels * width * extra))


def make_divisible(value, divisor=8):
    """makeDivisible.ts (torchvision's _make_divisible): nearest multiple of 8, never 10% under."""
    rounded = max(divisor, math.floor((value + divisor / 2) / divisor) * divisor)
    return rounded + divisor if rounded < 0.9 * value else rounded


def _convention(spec):
    """runSpec.modelConvention: the model's own, else torchvision from spec version 2 on."""
    return spec["model"].get("convention") or ("torchvision" if spec.get("version", 2) >= 2 else "keras")


def unsupported(spec):
    """What of `spec` this module cannot build exactly as the zoo does, as [(field path, reason)]."""
    model = spec["model"]
    arch = model["architecture"]
    problems = []
    if arch not in ARCHITECTURES:
        problems.append(("model.architecture", f"{arch} has no PyTorch definition in the torch engine (the tfjs engine trains it)"))
    if _convention(spec) != "torchvision":
        problems.append(("model.convention", "the keras convention computes another function than PyTorch's layers (spec version 1); use convention 'torchvision'"))
    elif spec.get("version", 2) < 2 and model.get("frozenLayers", 0) > 0:
        problems.append(("model.frozenLayers", "version-1 specs count frozen layers as Keras does; the torch engine freezes blocks (spec version 2)"))
    if arch == "vgg16" and model["inputSize"] < VGG16_MIN_INPUT:
        problems.append(("model.inputSize", f"vgg16 needs inputSize >= {VGG16_MIN_INPUT} (five 2x2 pools)"))
    if not model.get("width", 1) > 0:
        problems.append(("model.width", "must be > 0"))
    return problems


def _activation(x, kind):
    """The head activations runSpec allows (relu, leakyRelu, gelu, none); GELU is the exact (erf) one, as tfjs'."""
    if kind == "relu":
        return F.relu(x)
    if kind == "leakyRelu":
        return F.leaky_relu(x, LEAKY_RELU_SLOPE)
    if kind == "gelu":
        return F.gelu(x)
    if kind == "none":
        return x
    raise ValueError(f"unknown head activation {kind}")


def _container(root, path):
    """The module at a dotted path, making plain containers where there are none (so `classifier.3` can exist without `classifier.0`)."""
    m = root
    for part in path.split("."):
        if not hasattr(m, part) or getattr(m, part) is None:
            m.add_module(part, nn.Module())
        m = getattr(m, part)
    return m


def _set(root, path, module):
    parent, _, name = path.rpartition(".")
    (_container(root, parent) if parent else root).add_module(name, module)


def _get(root, path):
    m = root
    for part in path.split("."):
        m = getattr(m, part)
    return m


class StudioModel:
    """The studio's head on a backbone, shared by every family (heads.ts).

    A family sets, before `_attach_head`: `trunk(x)` (the last feature map, NCHW, or [B, C]
    for the MLP), `feature_channels`, `logits_path` (where torchvision keeps the last linear
    layer, else `logits`), `classic_dropout`, and may override `_vector` / `_classic_neck`
    (and `ends_in_embedding`) as the zoo's Backbone does.
    """

    ends_in_embedding = False

    def _attach_head(self, spec, num_classes, vector_dim, classic_dim):
        model = spec["model"]
        self.task = spec["task"]["kind"]
        self.head_spec = model["head"]
        self.studio_spec = spec
        head = self.head_spec
        self.branches = {}
        if self.task == "classification":
            if head["hidden"]:
                dim = self._stack("head", vector_dim, head["hidden"])
            else:
                dim = classic_dim
            _set(self, self.logits_path, nn.Linear(dim, num_classes))
        elif self.task == "embedding":
            if not self.ends_in_embedding:
                dim = self._stack("head", vector_dim, head["hidden"])
                self.add_module("embedding_bn", nn.BatchNorm1d(dim))
                self.add_module("embedding_fc", nn.Linear(dim, _embedding_size(model)))
        elif self.task == "detection":
            hidden = head["hidden"] or [scaled_channels(DETECTION_HIDDEN, model["width"])]
            self.add_module("class_logits", nn.Linear(self._stack("class", self.feature_channels, hidden), num_classes))
            self.add_module("box_fc", nn.Linear(self._stack("box", self.feature_channels, hidden), 4))
        else:
            raise ValueError(f"unknown task {self.task}")

    def _stack(self, prefix, dim, units):
        """heads.ts hiddenStack: dense → [batch norm] → activation → dropout per entry."""
        names = []
        for i, n in enumerate(units):
            name = f"{prefix}_dense{i + 1}"
            self.add_module(name, nn.Linear(dim, n))
            if self.head_spec["batchNorm"]:
                self.add_module(f"{name}_bn", nn.BatchNorm1d(n))
            names.append(name)
            dim = n
        self.branches[prefix] = names
        return dim

    def _run(self, prefix, x):
        for name in self.branches.get(prefix, []):
            x = getattr(self, name)(x)
            if self.head_spec["batchNorm"]:
                x = getattr(self, f"{name}_bn")(x)
            x = F.dropout(_activation(x, self.head_spec["activation"]), self.head_spec["dropout"], self.training)
        return x

    def _vector(self, features):
        """backbone.ts pooled: global average pooling of a map; a vector passes through."""
        return torch.flatten(F.adaptive_avg_pool2d(features, 1), 1) if features.dim() == 4 else features

    def _classic_neck(self, features):
        return self._vector(features)

    def forward(self, x):
        features = self.trunk(x)
        head = self.head_spec
        if self.task == "classification":
            if head["hidden"]:
                v = self._run("head", self._vector(features))
            else:
                v = self._classic_neck(features)
                rate = 0.0 if self.ends_in_embedding else (head["dropout"] if head["dropout"] > 0 else self.classic_dropout)
                v = F.dropout(v, rate, self.training)
            return _get(self, self.logits_path)(v)
        if self.task == "embedding":
            v = self._vector(features)
            if not self.ends_in_embedding:
                v = self.embedding_fc(self.embedding_bn(self._run("head", v)))
            return F.normalize(v, dim=1)

        def branch(prefix):
            v = torch.flatten(F.adaptive_max_pool2d(features, 1), 1) if features.dim() == 4 else features
            return self._run(prefix, v)

        return self.class_logits(branch("class")), torch.sigmoid(self.box_fc(branch("box")))

    def train(self, mode=True):
        """Batch norms of frozen blocks (`freeze`) stay on their running statistics in training mode too."""
        nn.Module.train(self, mode)
        for m in self.modules():
            if getattr(m, "studio_frozen", False):
                nn.Module.train(m, False)
        return self


def _embedding_size(model):
    return model.get("embeddingSize") or DEFAULT_EMBEDDING_SIZE


def _stem_conv(conv, channels):
    """The same first convolution over `channels` input channels (torchvision's take 3)."""
    if conv.in_channels == channels:
        return conv
    return nn.Conv2d(channels, conv.out_channels, conv.kernel_size, conv.stride, conv.padding, bias=conv.bias is not None)


class StudioResNet(StudioModel, tv_resnet.ResNet):
    """torchvision's ResNet, its channel counts scaled as resnet.ts scales them (max(8, round(c · width)))."""

    def __init__(self, spec, num_classes, channels):
        arch = spec["model"]["architecture"]
        block, layers = RESNETS[arch]
        tv_resnet.ResNet.__init__(self, block, layers)
        c = lambda n: scaled_channels(n, spec["model"]["width"])
        # Rebuilt at the zoo's widths through torchvision's own _make_layer, so the names and the blocks are its.
        self.inplanes = c(64)
        self.conv1 = nn.Conv2d(channels, c(64), kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(c(64))
        self.layer1 = self._make_layer(block, c(64), layers[0])
        self.layer2 = self._make_layer(block, c(128), layers[1], stride=2)
        self.layer3 = self._make_layer(block, c(256), layers[2], stride=2)
        self.layer4 = self._make_layer(block, c(512), layers[3], stride=2)
        del self.fc
        self.feature_channels = c(512) * block.expansion
        self.logits_path = "fc"
        self.classic_dropout = 0.0
        self._attach_head(spec, num_classes, self.feature_channels, self.feature_channels)

    def trunk(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        return self.layer4(self.layer3(self.layer2(self.layer1(x))))

    def blocks(self):
        return [["conv1", "bn1"]] + [[f"layer{s + 1}.{b}"] for s in range(4) for b in range(len(getattr(self, f"layer{s + 1}")))]


class StudioMobileNetV2(StudioModel, tv_mobilenetv2.MobileNetV2):
    """torchvision's MobileNetV2; its width_mult rounds channels as mobilenetV2.ts does (makeDivisible)."""

    def __init__(self, spec, num_classes, channels):
        tv_mobilenetv2.MobileNetV2.__init__(self, width_mult=spec["model"]["width"])
        self.features[0][0] = _stem_conv(self.features[0][0], channels)
        self.feature_channels = self.last_channel
        del self.classifier
        self.logits_path = "classifier.1"
        self.classic_dropout = 0.2
        self._attach_head(spec, num_classes, self.feature_channels, self.feature_channels)

    def trunk(self, x):
        return self.features(x)

    def blocks(self):
        return [[f"features.{i}"] for i in range(len(self.features))]


class StudioMobileNetV3Small(StudioModel, tv_mobilenetv3.MobileNetV3):
    """torchvision's MobileNetV3-Small at width_mult (its rounding is mobilenetV3Small.ts'); the classic neck is classifier.0 + hard-swish."""

    def __init__(self, spec, num_classes, channels):
        setting, last_channel = tv_mobilenetv3._mobilenet_v3_conf("mobilenet_v3_small", width_mult=spec["model"]["width"])
        tv_mobilenetv3.MobileNetV3.__init__(self, setting, last_channel)
        self.features[0][0] = _stem_conv(self.features[0][0], channels)
        self.feature_channels = self.features[-1][0].out_channels
        del self.classifier
        self.logits_path = "classifier.3"
        self.classic_dropout = 0.2
        classic = self.feature_channels
        if spec["task"]["kind"] == "classification" and not spec["model"]["head"]["hidden"]:
            _set(self, "classifier.0", nn.Linear(self.feature_channels, last_channel))
            classic = last_channel
        self._attach_head(spec, num_classes, self.feature_channels, classic)

    def trunk(self, x):
        return self.features(x)

    def _classic_neck(self, features):
        return F.hardswish(_get(self, "classifier.0")(self._vector(features)))

    def blocks(self):
        return [[f"features.{i}"] for i in range(len(self.features))]


class StudioEfficientNetB0(StudioModel, tv_efficientnet.EfficientNet):
    """torchvision's EfficientNet-B0 at width_mult, without stochastic depth (efficientnetB0.ts leaves it out)."""

    def __init__(self, spec, num_classes, channels):
        setting, last_channel = tv_efficientnet._efficientnet_conf("efficientnet_b0", width_mult=spec["model"]["width"], depth_mult=1.0)
        tv_efficientnet.EfficientNet.__init__(self, setting, dropout=0.2, stochastic_depth_prob=0.0, last_channel=last_channel)
        self.features[0][0] = _stem_conv(self.features[0][0], channels)
        self.feature_channels = self.features[-1][0].out_channels
        del self.classifier
        self.logits_path = "classifier.1"
        self.classic_dropout = 0.2
        self._attach_head(spec, num_classes, self.feature_channels, self.feature_channels)

    def trunk(self, x):
        return self.features(x)

    def blocks(self):
        last = len(self.features) - 1
        inner = [[f"features.{s}.{i}"] for s in range(1, last) for i in range(len(self.features[s]))]
        return [["features.0"]] + inner + [[f"features.{last}"]]


class StudioVGG16(StudioModel, tv_vgg.VGG):
    """torchvision's VGG-16 (configuration D) at the zoo's widths. As vgg16.ts, the classic
    classifier flattens the last map itself (no 7×7 adaptive pool), channels first."""

    def __init__(self, spec, num_classes, channels):
        model = spec["model"]
        c = lambda n: scaled_channels(n, model["width"])
        cfg = [x for block in VGG16_BLOCKS for x in [*(c(n) for n in block), "M"]]
        tv_vgg.VGG.__init__(self, tv_vgg.make_layers(cfg), num_classes=num_classes, init_weights=False)
        first = self.features[0]
        self.features[0] = nn.Conv2d(channels, first.out_channels, 3, padding=1)
        del self.classifier
        size = model["inputSize"]
        for _ in VGG16_BLOCKS:
            size //= 2
        self.feature_channels = c(512)
        self.logits_path = "classifier.6"
        self.classic_dropout = 0.5
        classic = self.feature_channels
        if spec["task"]["kind"] == "classification" and not model["head"]["hidden"]:
            _set(self, "classifier.0", nn.Linear(self.feature_channels * size * size, c(VGG16_FC)))
            _set(self, "classifier.3", nn.Linear(c(VGG16_FC), c(VGG16_FC)))
            classic = c(VGG16_FC)
        self._attach_head(spec, num_classes, self.feature_channels, classic)

    def trunk(self, x):
        return self.features(x)

    def _classic_neck(self, features):
        x = F.relu(_get(self, "classifier.0")(torch.flatten(features, 1)))
        return F.relu(_get(self, "classifier.3")(F.dropout(x, 0.5, self.training)))

    def blocks(self):
        out, at = [], 0
        for block in VGG16_BLOCKS:
            n = 2 * len(block) + 1
            out.append([f"features.{i}" for i in range(at, at + n)])
            at += n
        return out


def _conv3x3(i, o, stride=1):
    return nn.Conv2d(i, o, kernel_size=3, stride=stride, padding=1, bias=False)


class IBasicBlock(nn.Module):
    """insightface's IBasicBlock (arcface_torch/backbones/iresnet.py), as test/reference/torchvision_parity.py writes it."""

    def __init__(self, inplanes, planes, stride=1, downsample=None):
        super().__init__()
        self.bn1 = nn.BatchNorm2d(inplanes, eps=1e-05)
        self.conv1 = _conv3x3(inplanes, planes)
        self.bn2 = nn.BatchNorm2d(planes, eps=1e-05)
        self.prelu = nn.PReLU(planes)
        self.conv2 = _conv3x3(planes, planes, stride)
        self.bn3 = nn.BatchNorm2d(planes, eps=1e-05)
        self.downsample = downsample

    def forward(self, x):
        out = self.bn3(self.conv2(self.prelu(self.bn2(self.conv1(self.bn1(x))))))
        identity = self.downsample(x) if self.downsample is not None else x
        return out + identity


class StudioIResNet(StudioModel, nn.Module):
    """insightface's IResNet (and the studio's Lite, every width halved) at the zoo's widths
    (max(8, round(c · width · lite)) per stage). It ends in its own embedding, flatten →
    dropout(head.dropout) → fc → BN `features` with its scale held at 1, which the
    classification and embedding heads start from; detection pools the last map (`bn2`)."""

    ends_in_embedding = True

    def __init__(self, spec, num_classes, channels):
        nn.Module.__init__(self)
        model = spec["model"]
        arch = model["architecture"]
        lite = IRESNET_LITE_WIDTH if arch.endswith("Lite") else 1.0
        c = lambda n: scaled_channels(n, model["width"], lite)
        stem = c(64)
        self.conv1 = nn.Conv2d(channels, stem, kernel_size=3, stride=1, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(stem, eps=1e-05)
        self.prelu = nn.PReLU(stem)
        inplanes = stem
        for s, (count, planes) in enumerate(zip(IRESNETS[arch.replace("Lite", "")], [c(64), c(128), c(256), c(512)])):
            downsample = nn.Sequential(nn.Conv2d(inplanes, planes, kernel_size=1, stride=2, bias=False), nn.BatchNorm2d(planes, eps=1e-05))
            layers = [IBasicBlock(inplanes, planes, 2, downsample)] + [IBasicBlock(planes, planes) for _ in range(1, count)]
            self.add_module(f"layer{s + 1}", nn.Sequential(*layers))
            inplanes = planes
        self.bn2 = nn.BatchNorm2d(inplanes, eps=1e-05)
        self.feature_channels = inplanes
        self.logits_path = "logits"
        self.classic_dropout = 0.0
        self.embedding_dropout = model["head"]["dropout"]
        embedding = _embedding_size(model)
        if spec["task"]["kind"] != "detection":
            size = model["inputSize"]
            for _ in range(4):
                size = (size + 1) // 2
            self.fc = nn.Linear(inplanes * size * size, embedding)
            self.features = nn.BatchNorm1d(embedding, eps=1e-05)
            nn.init.constant_(self.features.weight, 1.0)
            self.features.weight.requires_grad = False
        self._attach_head(spec, num_classes, embedding, embedding)

    def trunk(self, x):
        x = self.prelu(self.bn1(self.conv1(x)))
        return self.bn2(self.layer4(self.layer3(self.layer2(self.layer1(x)))))

    def _vector(self, features):
        return self.features(self.fc(F.dropout(torch.flatten(features, 1), self.embedding_dropout, self.training)))

    def blocks(self):
        return [["conv1", "bn1", "prelu"]] + [[f"layer{s + 1}.{b}"] for s in range(4) for b in range(len(getattr(self, f"layer{s + 1}")))] + [["bn2"]]


class StudioMlp(StudioModel, nn.Module):
    """mlp.ts: flatten → (dense → ReLU) × 2. PyTorch flattens NCHW channels first; exportTorchWeights reorders dense1 to match."""

    def __init__(self, spec, num_classes, channels):
        nn.Module.__init__(self)
        model = spec["model"]
        units = [scaled_channels(n, model["width"]) for n in MLP_HIDDEN]
        self.dense1 = nn.Linear(channels * model["inputSize"] ** 2, units[0])
        self.dense2 = nn.Linear(units[0], units[1])
        self.feature_channels = units[1]
        self.logits_path = "logits"
        self.classic_dropout = 0.0
        self._attach_head(spec, num_classes, units[1], units[1])

    def trunk(self, x):
        return F.relu(self.dense2(F.relu(self.dense1(torch.flatten(x, 1)))))

    def blocks(self):
        return [["dense1"], ["dense2"]]


class StudioSmallCnn(StudioModel, nn.Module):
    """smallCnn.ts: three stages of (conv3×3 → BN → ReLU) × 2 → max-pool 2 ('same': ceil mode)."""

    def __init__(self, spec, num_classes, channels):
        nn.Module.__init__(self)
        inplanes = channels
        for i, base in enumerate(SMALL_CNN_STAGES):
            filters = scaled_channels(base, spec["model"]["width"])
            for k in (1, 2):
                self.add_module(f"stage{i + 1}_conv{k}", _conv3x3(inplanes, filters))
                self.add_module(f"stage{i + 1}_bn{k}", nn.BatchNorm2d(filters))
                inplanes = filters
        self.feature_channels = inplanes
        self.logits_path = "logits"
        self.classic_dropout = 0.0
        self._attach_head(spec, num_classes, inplanes, inplanes)

    def trunk(self, x):
        for i in range(len(SMALL_CNN_STAGES)):
            for k in (1, 2):
                x = F.relu(getattr(self, f"stage{i + 1}_bn{k}")(getattr(self, f"stage{i + 1}_conv{k}")(x)))
            x = F.max_pool2d(x, 2, 2, ceil_mode=True)
        return x

    def blocks(self):
        return [[f"stage{i + 1}_{part}{k}" for k in (1, 2) for part in ("conv", "bn")] for i in range(len(SMALL_CNN_STAGES))]


FAMILIES = {
    **{a: StudioResNet for a in RESNETS},
    "mobilenetV2": StudioMobileNetV2,
    "mobilenetV3Small": StudioMobileNetV3Small,
    "efficientnetB0": StudioEfficientNetB0,
    "vgg16": StudioVGG16,
    **{a: StudioIResNet for a in IRESNETS},
    **{a + "Lite": StudioIResNet for a in IRESNETS},
    "mlp": StudioMlp,
    "smallCnn": StudioSmallCnn,
}


def build_model(spec, num_classes):
    """The spec's model (a parsed RunSpec: model, task, data.channels) with the zoo's names; refuses what `unsupported` lists."""
    problems = unsupported(spec)
    if problems:
        raise ValueError("; ".join(f"{field}: {reason}" for field, reason in problems))
    channels = spec.get("data", {}).get("channels", 3)
    return FAMILIES[spec["model"]["architecture"]](spec, num_classes, channels)


def _in_blocks(name, prefixes):
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def backbone_parameter_names(model, spec):
    """Parameters of the backbone (buildModel's isBackboneLayer: every layer inside a block), for
    optimizer.backboneLrFactor; the rest (the reference classifier, the studio's heads,
    IResNet's embedding) is head. Every backbone layer of the zoo sits inside some block."""
    prefixes = [p for block in model.blocks() for p in block]
    return [n for n, _ in model.named_parameters() if _in_blocks(n, prefixes)]


def freeze(model, spec, frozen_blocks):
    """Freezes the first `frozen_blocks` blocks of the backbone (backboneBlocks.ts: the stem,
    each residual / inverted-residual block, a closing 1×1 conv or batch norm) and unfreezes
    the rest, so it also serves unfreezeAfterEpochs (call it again with 0).

    A frozen parameter gets requires_grad False. Under model.frozenBatchNorm 'inference' (the
    default from spec version 2 on) a frozen block's batch norms are marked `studio_frozen`,
    which StudioModel.train keeps in eval mode: they normalize by their running statistics
    and leave them alone even while the model trains, as the zoo's frozen batch norms do."""
    blocks = model.blocks()
    if frozen_blocks > len(blocks):
        raise ValueError(f"model.frozenLayers is {frozen_blocks} but the {spec['model']['architecture']} backbone has {len(blocks)} blocks")
    frozen = [p for block in blocks[:frozen_blocks] for p in block]
    backbone = [p for block in blocks for p in block]
    inference = spec["model"].get("frozenBatchNorm") or ("inference" if spec.get("version", 2) >= 2 else "train")
    for name, p in model.named_parameters():
        if _in_blocks(name, backbone):
            p.requires_grad_(not _in_blocks(name, frozen))
    for name, m in model.named_modules():
        if isinstance(m, nn.modules.batchnorm._BatchNorm) and _in_blocks(name, backbone):
            m.studio_frozen = inference == "inference" and _in_blocks(name, frozen)
    model.train(model.training)
    return model
