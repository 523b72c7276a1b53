#!/bin/sh
# The one device run issue 6 asks for, prepared by `npm run bench:kit` (docs/performance.md):
# a PyTorch reference, then the studio's bench on the GPU through Dawn, then its cpu kernels'
# threads on the machine's cores, results under $OUT.
# Meant for the device tool's `run`, with `.gl` (the Vulkan loader's debs, unpacked first)
# and `.devicekit` carried.
set -u
KIT=$(cd "$(dirname "$0")" && pwd)
OUT=${OUT:-/tmp/studio-device-out}
mkdir -p "$OUT" /tmp/studio-kit
tar -xJf "$KIT/kit.tar.xz" -C /tmp/studio-kit || exit 1
# The NVIDIA driver's Vulkan ICD where the device image keeps it, unless one is set already.
if [ -z "${VK_DRIVER_FILES:-}${VK_ICD_FILENAMES:-}" ]; then
  export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
fi
(nvidia-smi -L; nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv) > "$OUT/gpu.txt" 2>&1
PYTHONUNBUFFERED=1 timeout "${TORCH_SECONDS:-150}" python3 "$KIT/torchBench.py" --out "$OUT/torch.json" > "$OUT/torch.log" 2>&1
echo "torch: exit $?"; cat "$OUT/torch.log"
timeout "${BENCH_SECONDS:-340}" /tmp/studio-kit/node /tmp/studio-kit/bench.mjs --backend webgpu --gpu ${BENCH_ARGS:-} --out "$OUT/bench.json" > "$OUT/bench.log" 2>&1
echo "bench: exit $?"; cat "$OUT/bench.log"
# The cpu kernels on one thread vs every core of the machine (full-width models).
timeout "${CPU_SECONDS:-75}" /tmp/studio-kit/node /tmp/studio-kit/bench.mjs --backend cpu --tables threads --out "$OUT/bench-threads.json" > "$OUT/bench-threads.log" 2>&1
echo "bench threads: exit $?"; cat "$OUT/bench-threads.log"
# The PyTorch engine (python/studio_torch) on this GPU vs the tfjs engine on Dawn, the same specs; 1 GPU vs every GPU.
STUDIO_TORCH_PACKAGE="$KIT/python" timeout "${ENGINE_SECONDS:-150}" /tmp/studio-kit/node /tmp/studio-kit/bench.mjs --backend webgpu --gpu --tables torch --models resnet18,mobilenetV2 --batch 64 --out "$OUT/bench-torch.json" > "$OUT/bench-torch.log" 2>&1
echo "bench torch engine: exit $?"; cat "$OUT/bench-torch.log"
