/**
 * `predict` and `predictClasses`: inference mode (dropout off), tensors or `Examples`, both
 * layouts, logits or probabilities, and errors that name the function.
 */
import { describe, expect, test } from "vitest";
import { examples, toTensors, xor } from "../../src/data/index.js";
import { dense, logLossFromLogits, mlp } from "../../src/nn/index.js";
import { adam } from "../../src/optim/index.js";
import { toFlat } from "../../src/tensor/create.js";
import { rng } from "../../src/tensor/random.js";
import { predict, predictClasses, predictLabels, fit as train } from "../../src/train/index.js";

describe("predict", () => {
  const net = mlp([2, 16, 3], { dropout: 0.5 });
  const params = net.init(rng(0));
  const d = examples<2, 1>(
    [
      [0, 1],
      [1, 0],
      [2, 3],
      [-1, 4],
    ],
    [[0], [1], [2], [1]],
  );

  test("is the model's output without dropout, from a tensor or from Examples", () => {
    const { X } = toTensors(d);
    const out = predict(net, params, X);
    expect(out.shape).toEqual([3, 4]);
    expect(Array.from(toFlat(out))).toEqual(Array.from(toFlat(net.apply(params, X))));
    expect(Array.from(toFlat(predict(net, params, d)))).toEqual(Array.from(toFlat(out)));
    expect(Array.from(toFlat(predict(net, params, X)))).toEqual(Array.from(toFlat(out))); // no randomness: the same twice
    expect(Array.from(toFlat(net.apply(params, X, { training: true, rng: rng(3) })))).not.toEqual(Array.from(toFlat(out))); // dropout would change it
  });

  test("predictClasses is predictLabels of the output, in either layout", () => {
    const { X } = toTensors(d);
    expect(predictClasses(net, params, d)).toEqual(predictLabels(net.apply(params, X)));
    const rows = dense(2, 3, { layout: "rows" });
    const p = rows.init(rng(1));
    const R = toTensors(d, "rows").X;
    expect(predictClasses(rows, p, d, { layout: "rows" })).toEqual(predictLabels(rows.apply(p, R), { layout: "rows" }));
  });

  test("one output unit: logits threshold at 0, probabilities at 0.5; a trained XOR net predicts its labels", () => {
    const small = mlp([2, 8, 1], { hidden: "tanh" });
    const data = xor(rng(0), { m: 64 });
    const r = train({ model: small, params: small.init(rng(1)), loss: logLossFromLogits, optimizer: adam(0.05), train: data, batchSize: 16, epochs: 60, seed: 1 });
    const got = predictClasses(small, r.params, data);
    const ok = got.filter((c, i) => c === data.y[i]).length / data.m;
    expect(ok).toBeGreaterThan(0.95);
    const sig = mlp([2, 8, 1], { hidden: "tanh", output: "sigmoid" });
    expect(predictClasses(sig, r.params, data, { outputs: "probabilities" })).toEqual(got);
  });

  test("errors name the function and the argument", () => {
    expect(() => predict(net, params, [1, 2] as never)).toThrow("predict: argument 'X' must be a Tensor or Examples");
    expect(() => predictClasses({} as never, params, d)).toThrow("predictClasses: argument 'model' must have an apply(params, X, ctx) method");
  });
});
