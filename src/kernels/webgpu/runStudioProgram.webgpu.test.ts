import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { seeded } from '../kernelParity.testkit.ts';
import { countDispatches } from './countDispatches.ts';
import { runStudioProgram } from './runStudioProgram.ts';
import { SELF_INDEXED_LAYOUT, type WebgpuBackendLike, type WebgpuProgram } from './webgpuProgram.ts';

const backend = () => tf.backend() as unknown as WebgpuBackendLike;

/** y[i] = x[i]·scale + i, one invocation per element: `main(index)` with the global index. */
function indexedProgram(size: number, workgroups: number): WebgpuProgram {
  return {
    outputShape: [size],
    shaderKey: `testIndexed_${workgroups}`,
    dispatchLayout: { x: [0] },
    dispatch: [workgroups, 1, 1],
    variableNames: ['x'],
    uniforms: 'scale : f32,',
    workgroupSize: [64, 1, 1],
    size: true,
    getUserCode: () => `
      fn main(index : i32) {
        if (index < uniforms.size) {
          result[index] = x[index] * uniforms.scale + f32(index);
        }
      }`,
  };
}

/** The same values from a program that indexes itself from its workgroup and local ids over a 2-D grid of workgroups. */
function selfIndexedProgram(size: number): WebgpuProgram {
  const rows = Math.ceil(size / 64 / 8);
  return {
    outputShape: [size],
    shaderKey: 'testSelfIndexed',
    dispatchLayout: SELF_INDEXED_LAYOUT,
    dispatch: [8, rows, 1],
    variableNames: ['x'],
    uniforms: 'scale : f32, count : i32,',
    workgroupSize: [64, 1, 1],
    getUserCode: () => `
      fn main() {
        let i = (i32(workgroupId.y) * i32(numWorkgroups.x) + i32(workgroupId.x)) * 64 + i32(localId.x);
        if (i < uniforms.count) {
          result[i] = x[i] * uniforms.scale + f32(i);
        }
      }`,
  };
}

async function values(info: tf.TensorInfo): Promise<Float32Array> {
  const t = tf.engine().makeTensorFromTensorInfo(info);
  const v = (await t.data()) as Float32Array;
  t.dispose();
  return v;
}

/** How many values differ (a count, not a deep diff: the spread case has 4M of them). */
function differing(a: Float32Array, b: Float32Array): number {
  let n = Math.abs(a.length - b.length);
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) n++;
  return n;
}

async function expected(x: tf.Tensor, scale: number): Promise<Float32Array> {
  const f = Math.fround;
  return ((await x.data()) as Float32Array).map((v, i) => f(f(v * f(scale)) + i));
}

describe('runStudioProgram', () => {
  it.each([
    ['within one dimension', 1000],
    ['spread over two dimensions past 65535 workgroups', 65536 * 64 + 100],
  ])('runs a program with a global index as tfjs would, %s, in one launch', async (_, size) => {
    const x = seeded([size], 71);
    const program = indexedProgram(size, Math.ceil(size / 64));
    const uniforms = [{ type: 'float32' as const, data: [1.5] }];
    const { result, dispatches } = await countDispatches(() => runStudioProgram(backend(), program, [x], uniforms));
    expect(dispatches).toHaveLength(1);
    // tfjs's own compilation of the same program is the reference.
    const stock = backend().runWebGPUProgram(indexedProgram(size, Math.ceil(size / 64)), [x], 'float32', uniforms);
    const [got, want] = await Promise.all([values(result), values(stock)]);
    expect(differing(got, want)).toBe(0);
    expect(differing(got, await expected(x, 1.5))).toBe(0);
    x.dispose();
  });

  it('gives a self-indexed program its workgroup, local ids and workgroup count', async () => {
    const size = 5000;
    const x = seeded([size], 72);
    const got = await values(runStudioProgram(backend(), selfIndexedProgram(size), [x], [{ type: 'float32', data: [-2] }, { type: 'int32', data: [size] }]));
    expect(differing(got, await expected(x, -2))).toBe(0);
    x.dispose();
  });

  it('writes into a given output, leaving what the launch does not cover as it was', async () => {
    const x = seeded([256], 73);
    const out = tf.fill([300], 7);
    const info = runStudioProgram(backend(), indexedProgram(256, 4), [x], [{ type: 'float32', data: [1] }], out);
    expect(info.dataId).toBe(out.dataId);
    const got = (await out.data()) as Float32Array;
    expect(Array.from(got.subarray(0, 256))).toEqual(Array.from(await expected(x, 1)));
    expect(Array.from(got.subarray(256))).toEqual(new Array(44).fill(7));
    tf.dispose([x, out]);
  });
});
