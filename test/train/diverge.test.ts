/**
 * `fit` never returns non-finite parameters (issue: a divergence on the last update returned NaN
 * parameters with stop reason "epochs"; Adam at lr 1e6 ran to the end; a NaN validation metric
 * was not guarded; hand-built Examples shorter than m × features trained on zeros). Each class
 * stops with reason "diverged", says what went bad, and returns parameters that are all finite.
 */
import { describe, expect, test } from "vitest";
import { type Examples, examples, oneHot, xor } from "../../src/data/index.js";
import { dense, mlp, mse, softmaxCrossEntropy } from "../../src/nn/index.js";
import { abs } from "../../src/ops/abs.js";
import { mean } from "../../src/ops/mean.js";
import { mul } from "../../src/ops/mul.js";
import { sqrt } from "../../src/ops/sqrt.js";
import { sub } from "../../src/ops/sub.js";
import { adam, gd } from "../../src/optim/index.js";
import { toFlat } from "../../src/tensor/create.js";
import { rng } from "../../src/tensor/random.js";
import type { Tensor } from "../../src/tensor/tensor.js";
import { fit as train } from "../../src/train/index.js";

const data = xor(rng(0), { m: 64 });
const finite = (p: Record<string, Tensor>): boolean => Object.values(p).every((t) => Array.from(toFlat(t)).every(Number.isFinite));
const same = (a: Record<string, Tensor>, b: Record<string, Tensor>): boolean => Object.keys(a).every((k) => Array.from(toFlat(a[k] as Tensor)).join() === Array.from(toFlat(b[k] as Tensor)).join());

describe("the divergence guard", () => {
  test("a divergence on the last update: reason 'diverged', the parameter named, the parameters before it returned", () => {
    const lin = dense(2, 1);
    const params = lin.init(rng(1));
    // one full-batch update with a step of 1e38 on a cost scaled by 1e3: the cost was finite, the new weights overflow float32
    const big = (out: Tensor, Y: Tensor) => mul(mse(out, Y), 1e3) as Tensor<[]>;
    const r = train({ model: lin, params, loss: big, optimizer: gd(1e38), train: data, task: "regression", batchSize: "full", epochs: 1 });
    expect(r.stop.reason).toBe("diverged");
    expect(r.stop.diverged?.what).toBe("parameter");
    expect(["W", "b"]).toContain(r.stop.diverged?.name);
    expect(r.stop.message).toMatch(/fit: diverged at epoch 1, batch 0 \(step 1\): parameter '(W|b)' became -?Infinity; returning the last good parameters/);
    expect(finite(r.params)).toBe(true);
    expect(same(r.params, params)).toBe(true);
  });

  test("a non-finite gradient with a finite cost is named", () => {
    const lin = dense(2, 1);
    const params = lin.init(rng(1));
    // √|z − z| is 0 everywhere, but its derivative at 0 is ∞ · 0 = NaN
    const cost = (out: Tensor, _Y: Tensor) => mean(sqrt(abs(sub(out, out)))) as Tensor<[]>;
    const r = train({ model: lin, params, loss: cost, optimizer: gd(0.1), train: data, task: "regression", batchSize: 16, epochs: 2 });
    expect(r.stop.reason).toBe("diverged");
    expect(r.stop.diverged).toMatchObject({ what: "gradient" });
    expect(r.stop.message).toMatch(/gradient '(W|b)' became NaN/);
    expect(finite(r.params)).toBe(true);
  });

  test("Adam at lr 1e6 explodes while finite: stopped by the loss factor, finite parameters", () => {
    const net = mlp([2, 16, 2], { hidden: "relu" });
    const r = train({ model: net, params: net.init(rng(1)), loss: softmaxCrossEntropy, optimizer: adam(1e6), train: oneHot(data, 2), batchSize: 16, epochs: 50 });
    expect(r.stop.reason).toBe("diverged");
    expect(r.stop.diverged?.what === "loss explosion" || r.stop.diverged?.what === "loss" || r.stop.diverged?.what === "parameter").toBe(true);
    expect(r.stop.epoch).toBeLessThan(50);
    expect(finite(r.params)).toBe(true);
  });

  test("a non-finite validation metric stops the run with the previous epoch's parameters", () => {
    const lin = dense(2, 1);
    const params = lin.init(rng(1));
    // a model that is fine in training and returns NaN in inference mode (evaluation)
    const model = {
      apply: (p: typeof params, X: Tensor, ctx?: { training?: boolean }) => (ctx?.training === true ? lin.apply(p, X as Tensor<[2, "m"]>) : mul(lin.apply(p, X as Tensor<[2, "m"]>), Number.NaN)),
    };
    const r = train({ model, params, loss: mse, optimizer: gd(0.05), train: data, validation: data, task: "regression", batchSize: 16, epochs: 3 });
    expect(r.stop.reason).toBe("diverged");
    expect(r.stop.diverged).toEqual({ what: "validation", name: "valLoss", value: Number.NaN });
    expect(r.stop.epoch).toBe(1);
    expect(same(r.params, params)).toBe(true);
  });

  test("a healthy run is not stopped, and the guard changes nothing in it", () => {
    const net = mlp([2, 8, 1], { hidden: "tanh" });
    const opts = { model: net, params: net.init(rng(1)), loss: mse, optimizer: adam(0.01), train: data, task: "regression", batchSize: 16, epochs: 5, seed: 3 } as const;
    const a = train(opts);
    const b = train({ ...opts, divergence: { lossFactor: Infinity } });
    expect(a.stop.reason).toBe("epochs");
    expect(a.history).toEqual(b.history);
  });

  test("bad option values are errors naming the option", () => {
    const lin = dense(2, 1);
    expect(() => train({ model: lin, params: lin.init(rng(1)), loss: mse, optimizer: gd(0.1), train: data, task: "regression", epochs: 1, divergence: { lossFactor: 0.5 } })).toThrow(
      /fit: option 'divergence.lossFactor' must be a number > 1/,
    );
  });
});

describe("Examples are checked before training", () => {
  const lin = dense(2, 1);
  const base = { model: lin, params: lin.init(rng(1)), loss: mse, optimizer: gd(0.1), epochs: 1 } as const;
  test("hand-built examples shorter than m × features are an error, not zeros", () => {
    const short: Examples<2, 1> = { m: 10, features: 2, targets: 1, x: new Float32Array(12), y: new Float32Array(10) };
    expect(() => train({ ...base, train: short, task: "regression" })).toThrow("fit: 'train.x' holds 12 values, expected m × features = 10 × 2 = 20");
  });
  test("non-finite features, labels out of range and mismatched validation sets are errors", () => {
    const bad = examples<2, 1>(
      [
        [0, Number.NaN],
        [1, 1],
      ],
      [[0], [1]],
    );
    expect(() => train({ ...base, train: bad, task: "regression" })).toThrow("fit: 'train.x[1]' (example 0, feature 1) is NaN; values must be finite");
    const labels = examples<2, 1>(
      [
        [0, 0],
        [1, 1],
      ],
      [[0], [-1]],
    );
    expect(() => train({ ...base, train: labels })).toThrow("fit: 'train': the target of example 1 is -1; a class label must be an integer ≥ 0");
    const soft = examples<2, 2>(
      [
        [0, 0],
        [1, 1],
      ],
      [
        [0, 1],
        [1.5, 0],
      ],
    );
    // (2 targets against dense(2, 1)'s 1 output is also a compile-time error: the labels' check, before any batch, is what is tested here)
    // @ts-expect-error Type '1' is not assignable to type '2 | readonly [2]'
    expect(() => train({ ...base, train: soft })).toThrow("one-hot (or soft) labels must lie in [0, 1]");
    const other = examples<3, 1>([[0, 0, 0]], [[0]]);
    expect(() => train({ ...base, train: data, validation: other as unknown as typeof data })).toThrow("fit: option 'validation' has 3 features and 1 targets, 'train' has 2 and 1");
  });
});
