"""Size and cost of dlib's face recognition ResNet as face-api.js defines it, for
src/core/models/referenceCounts.test.ts: parameters summed from face-api's weights manifest
(every tensor it ships, fc included), and multiply-accumulates of its convolutions and fc at
150x150 from the layer shapes (out H*W * k*k*Cin*Cout; unpadded stride-2 windows).

    /usr/bin/python3 test/reference/models_face_recognition.py node_modules/@vladmandic/face-api/model
"""
import json
import math
import sys

manifest = json.load(open(f"{sys.argv[1]}/face_recognition_model-weights_manifest.json"))
params = sum(math.prod(w["shape"]) for group in manifest for w in group["weights"])


def conv(h, k, cin, cout):
    return h * h * k * k * cin * cout


def down(size, cin, cout):
    out = (size - 3) // 2 + 1
    return conv(out, 3, cin, cout) + conv(out, 3, cout, cout), size // 2


macs = conv(72, 7, 3, 32)  # 150 -> 72 (7x7/2), max-pool 3x3/2 -> 35
size = 35
macs += 3 * 2 * conv(size, 3, 32, 32)
for cin, cout, blocks in [(32, 64, 3), (64, 128, 2), (128, 256, 2)]:
    d, size = down(size, cin, cout)
    macs += d + blocks * 2 * conv(size, 3, cout, cout)
d, size = down(size, 256, 256)
macs += d + 256 * 128
print(json.dumps({"params": params, "macs": macs, "final_map": size}))
