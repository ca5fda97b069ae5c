/**
 * `fit` reads each batch's cost, output and divergence probe with one backend call where the
 * backend has `pack` (both CPU backends), and with the ops it replaces (reshape, sum, cast, concat)
 * where it has not (WebGPU, a user's backend): the two give the same run, bit for bit, and the
 * same divergence stop, message included. Finite parameters whose sum overflows are not a
 * divergence either way (the probe that is a sum is checked element by element before it stops
 * a run; `pack`'s probe is exact).
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
import { fit as train } from "../../src/train/index.js";

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
