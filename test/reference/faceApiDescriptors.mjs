// The reference for test/faceApiParity.test.ts and test/faceApiExpressionParity.test.ts:
// @vladmandic/face-api's own networks, run on the tfjs bundled inside face-api.esm.js (its
// own engine and stock cpu kernels, none of the studio's code), on the images given.
//
//   node test/reference/faceApiDescriptors.mjs <face-api package dir> <images.u8> <count> <size> <out.f32> [recognition|expression]
//
// images.u8 holds `count` RGB images of size×size, row-major, one byte a channel; out.f32
// receives, little-endian float32, count × 128 descriptors (recognition, the default:
// FaceRecognitionNet.computeFaceDescriptor) or count × 256 pooled features (expression:
// FaceExpressionNet's face feature extractor, what its classifier reads). It runs in a process of its own:
// tfjs keeps one engine per process (globalThis._tfengine), so inside the test runner
// face-api's ops would run on the studio's kernels.
/* global process, Buffer, console, performance, TextEncoder, TextDecoder */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [pkgDir, imagesPath, countArg, sizeArg, outPath, network = 'recognition'] = process.argv.slice(2);
const NETWORKS = {
  recognition: { file: 'face_recognition_model', width: 128, make: () => new faceapi.FaceRecognitionNet(), run: (net, image) => net.computeFaceDescriptor(image) },
  expression: {
    file: 'face_expression_model',
    width: 256,
    make: () => new faceapi.FaceExpressionNet(),
    run: async (net, image) => {
      const features = net.faceFeatureExtractor.forwardInput(await faceapi.toNetInput(image));
      const values = features.dataSync();
      features.dispose();
      return values;
    },
  },
};
if (!(network in NETWORKS)) throw new Error(`network must be recognition or expression, got ${network}`);
const count = Number(countArg);
const size = Number(sizeArg);

// The bundle's Node platform needs util from Node's require, which its browser build stubs
// out; seen as neither Node nor a browser, it loads, and the platform below stands in.
const versions = Object.getOwnPropertyDescriptor(process, 'versions');
const others = { ...process.versions };
delete others.node;
Object.defineProperty(process, 'versions', { ...versions, value: others });
let faceapi;
try {
  faceapi = await import(pathToFileURL(join(pkgDir, 'dist', 'face-api.esm.js')).href);
} finally {
  Object.defineProperty(process, 'versions', versions);
}
const tf = faceapi.tf;
tf.setPlatform('reference', {
  fetch: globalThis.fetch,
  now: () => performance.now(),
  encode: (s) => new TextEncoder().encode(s),
  decode: (b, e) => new TextDecoder(e).decode(b),
  isTypedArray: (a) => ArrayBuffer.isView(a) && !(a instanceof DataView),
});
// face-api's own environment (canvas and image classes) was not set up for the same reason;
// tensors are all it is given here.
faceapi.env.setEnv(faceapi.env.createNodejsEnv());
await tf.setBackend('cpu');
await tf.ready();

const chosen = NETWORKS[network];
const manifest = JSON.parse(readFileSync(join(pkgDir, 'model', `${chosen.file}-weights_manifest.json`), 'utf8'));
const weightMap = {};
for (const group of manifest) {
  const bytes = Buffer.concat(group.paths.map((p) => readFileSync(join(pkgDir, 'model', p))));
  Object.assign(weightMap, tf.io.decodeWeights(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength), group.weights));
}
const net = chosen.make();
net.loadFromWeightMap(weightMap);

const images = readFileSync(imagesPath);
const pixels = size * size * 3;
if (images.length !== count * pixels) throw new Error(`${imagesPath} has ${images.length} bytes, not ${count} images of ${size}×${size}×3`);
const out = new Float32Array(count * chosen.width);
for (let i = 0; i < count; i++) {
  const image = tf.tensor3d(Int32Array.from(images.subarray(i * pixels, (i + 1) * pixels)), [size, size, 3], 'int32');
  const values = await chosen.run(net, image);
  image.dispose();
  out.set(values, i * chosen.width);
}
writeFileSync(outPath, Buffer.from(out.buffer));
console.log(JSON.stringify({ faceApi: faceapi.version, tfjs: tf.version_core, backend: tf.getBackend(), network, images: count }));
