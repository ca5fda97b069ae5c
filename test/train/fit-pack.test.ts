/**
 * `fit` reads each batch's cost, output and divergence probe with one backend call where the
 * backend has `pack` (both CPU backends), and with the ops it replaces (reshape, sum, cast, concat)
 * where it has not (a user's backend): the two give the same run, bit for bit, and the
 * same divergence stop, message included. Finite parameters whose sum overflows are not a
 * divergence either way (the probe that is a sum is checked element by element before it stops
 * a run; `pack`'s probe is exact). On a device backend (one that reads only asynchronously, as
 * WebGPU) with `pack`, the output goes into the pack too and the labels are counted in
 * JavaScript: one backend call and one read per batch, the same run as without `pack`.
 */
import { describe, expect, test } from "vitest";
import type { Backend } from "../../src/backend/backend.js";
import { withBackend } from "../../src/backend/current.js";
import { reference } from "../../src/backend/reference.js";
import { wasm } from "../../src/backend/wasm/index.js";
import { oneHot, xor } from "../../src/data/index.js";
import { dense, mlp, mse, softmaxCrossEntropy } from "../../src/nn/index.js";
import { mul } from "../../src/ops/mul.js";
import { adam, gd } from "../../src/optim/index.js";
import { fromArray, toFlat } from "../../src/tensor/create.js";
import { rng } from "../../src/tensor/random.js";
import type { Tensor } from "../../src/tensor/tensor.js";
import { fitAsync, fit as train } from "../../src/train/index.js";

/** `be` without its `pack`: every method inherited, the storages it makes its own. */
const withoutPack = (be: Backend): Backend => Object.create(be, { pack: { value: undefined } }) as Backend;

const data = oneHot(xor(rng(0), { m: 96 }), 2);
const bytes = (p: Record<string, Tensor>): string[] => Object.keys(p).map((k) => Buffer.from(toFlat(p[k] as Tensor).buffer).toString("base64"));

const run = (be: Backend) =>
  withBackend(be, () => {
    const net = mlp([2, 8, 2], { hidden: "tanh", layout: "rows" });
    const r = train({ model: net, params: net.init(rng(1)), loss: softmaxCrossEntropy, optimizer: adam(0.05), train: data, layout: "rows", batchSize: 16, epochs: 3, seed: 2 });
    return { params: bytes(r.params as Record<string, Tensor>), history: r.history, stop: r.stop };
  });

const diverge = (be: Backend) =>
  withBackend(be, () => {
    const lin = dense(2, 1);
    const big = (out: Tensor, Y: Tensor) => mul(mse(out, Y), 1e3) as Tensor<[]>;
    return train({ model: lin, params: lin.init(rng(1)), loss: big, optimizer: gd(1e38), train: xor(rng(0), { m: 64 }), task: "regression", batchSize: "full", epochs: 1 }).stop;
  });

describe("fit with and without the backend's pack", () => {
  for (const [name, be] of [
    ["reference", reference],
    ["wasm", wasm],
  ] as const) {
    test(`${name}: the same run bit for bit (parameters, history, stop)`, () => {
      expect(be.pack).toBeTypeOf("function");
      const a = run(be);
      expect(a.history.length).toBe(3);
      expect(a.history[2]?.accuracy).toBeGreaterThan(0);
      expect(run(withoutPack(be))).toEqual(a);
    });

    test(`${name}: finite parameters whose sum overflows train on, with and without pack`, () => {
      const overflow = (b: Backend) =>
        withBackend(b, () => {
          const lin = dense(2, 1);
          // a parameter the model does not use: its gradient is 0, so it stays 3e38 everywhere, and its sum is +∞ in float32
          const params = { ...lin.init(rng(1)), spare: fromArray([4], [3e38, 3e38, 3e38, 3e38]) };
          const model = { apply: (p: typeof params, X: Tensor) => lin.apply(p, X as Tensor<[2, "m"]>) };
          return train({ model, params, loss: mse, optimizer: gd(0.1), train: xor(rng(0), { m: 32 }), task: "regression", batchSize: 16, epochs: 2 });
        });
      for (const b of [be, withoutPack(be)]) {
        const r = overflow(b);
        expect(r.stop.reason).toBe("epochs");
        expect(Array.from(toFlat(r.params.spare))).toEqual([3e38, 3e38, 3e38, 3e38].map(Math.fround));
      }
    });

    test(`${name}: the same divergence stop, what went bad named`, () => {
      const a = diverge(be);
      expect(a.reason).toBe("diverged");
      expect(a.diverged?.what).toBe("parameter");
      expect(diverge(withoutPack(be))).toEqual(a);
    });
  }
});

/** `be` as a device backend (it has `readAsync`, as WebGPU), counting its reads and the parts of each `pack`. */
const asDevice = (be: Backend, withPack: boolean) => {
  const seen = { reads: 0, packs: [] as { parts: number; lengths: number[]; summed: boolean[] }[] };
  const device: Backend = Object.create(be, {
    name: { value: "device" },
    readAsync: {
      value: (s: Parameters<Backend["read"]>[0]) => {
        seen.reads++;
        return Promise.resolve(be.read.call(device, s));
      },
    },
    pack: {
      value: withPack
        ? (xs: Parameters<NonNullable<Backend["pack"]>>[0], summed: readonly boolean[]) => {
            seen.packs.push({ parts: xs.length, lengths: xs.map((x) => x.length), summed: [...summed] });
            return (be.pack as NonNullable<Backend["pack"]>).call(device, xs, summed);
          }
        : undefined,
    },
  }) as Backend;
  return { device, seen };
};

describe("fitAsync on a device backend with pack", () => {
  const runAsync = (be: Backend) =>
    withBackend(be, async () => {
      const net = mlp([2, 8, 2], { hidden: "tanh", layout: "rows" });
      const r = await fitAsync({ model: net, params: net.init(rng(1)), loss: softmaxCrossEntropy, optimizer: adam(0.05), train: data, layout: "rows", batchSize: 16, epochs: 2, seed: 2 });
      return { params: bytes(r.params as Record<string, Tensor>), history: r.history, stop: r.stop };
    });
  test("packs the cost, the probe and the output: one read per batch, the labels counted here, the same run as without pack", async () => {
    const a = asDevice(reference, true);
    const b = asDevice(reference, false);
    const withPack = await runAsync(a.device);
    const without = await runAsync(b.device);
    expect(withPack).toEqual(without);
    expect(withPack.history[1]?.accuracy).toBeGreaterThan(0);
    // 96 examples in batches of 16, 2 epochs: 12 batches, one pack and one read each
    expect(a.seen.packs.length).toBe(12);
    expect(a.seen.reads).toBe(12);
    // the cost, the sums of W1 [2, 8], b1, W2 [8, 2] and b2, then the 16×2 output as it is
    expect(a.seen.packs[0]).toEqual({ parts: 6, lengths: [1, 16, 8, 16, 2, 32], summed: [false, true, true, true, true, false] });
  });
});
