/**
 * `predict` and `predictClasses`: inference mode (dropout off), tensors or `Examples`, both
 * layouts, logits or probabilities, and errors that name the function; the async forms
 * (`predictClassesAsync`, `predictLabelsAsync`, `trainStepAsync`) agree with the synchronous ones.
 */
import { describe, expect, test } from "vitest";
import { examples, toTensors, xor } from "../../src/data/index.js";
import { dense, logLossFromLogits, mlp, softmaxCrossEntropy } from "../../src/nn/index.js";
import { adam } from "../../src/optim/index.js";
import { fromArray, item, tensor, toFlat } from "../../src/tensor/create.js";
import { rng } from "../../src/tensor/random.js";
import { predict, predictClasses, predictClassesAsync, predictLabels, predictLabelsAsync, fit as train, trainStep, trainStepAsync } from "../../src/train/index.js";
import { hitsOf, labelHits, labelsOf } from "../../src/train/metrics.js";

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

  test("the async forms give what the synchronous ones give on a CPU backend (the WebGPU checks run them on the GPU)", async () => {
    const { X } = toTensors(d);
    expect(await predictClassesAsync(net, params, d)).toEqual(predictClasses(net, params, d));
    expect(await predictLabelsAsync(net.apply(params, X))).toEqual(predictLabels(net.apply(params, X)));
    expect(await predictLabelsAsync(tensor([[0.2, 0.7, 0.7]]), { outputs: "probabilities", layout: "columns" })).toEqual([0, 1, 1]);
    await expect(predictLabelsAsync(tensor([1, 2]))).rejects.toThrow("predictLabelsAsync: argument 'output' must be a 2-D tensor");
    await expect(predictClassesAsync({} as never, params, d)).rejects.toThrow("predictClassesAsync: argument 'model' must have an apply(params, X, ctx) method");
    const plain = mlp([2, 5, 3]);
    const p0 = plain.init(rng(2));
    const opt = adam(0.01);
    const Y = toTensors(
      examples<2, 3>(
        [
          [0, 1],
          [1, 0],
        ],
        [
          [1, 0, 0],
          [0, 0, 1],
        ],
      ),
    ).Y;
    const X2 = toTensors(
      examples<2, 3>(
        [
          [0, 1],
          [1, 0],
        ],
        [
          [1, 0, 0],
          [0, 0, 1],
        ],
      ),
    ).X;
    const a = trainStep(plain, softmaxCrossEntropy, opt, p0, opt.init(p0), X2, Y);
    const b = await trainStepAsync(plain, softmaxCrossEntropy, opt, p0, opt.init(p0), X2, Y);
    expect(b.loss).toBe(a.loss);
    expect(Array.from(toFlat(b.params.W1))).toEqual(Array.from(toFlat(a.params.W1)));
    expect(Array.from(toFlat(b.output))).toEqual(Array.from(toFlat(a.output)));
  });

  test("errors name the function and the argument", () => {
    expect(() => predict(net, params, [1, 2] as never)).toThrow("predict: argument 'X' must be a Tensor or Examples");
    expect(() => predictClasses({} as never, params, d)).toThrow("predictClasses: argument 'model' must have an apply(params, X, ctx) method");
  });
});

describe("the labels fit counts on a CPU backend (hitsOf, labelsOf) and on a device (labelHits)", () => {
  test("agree on ties, one output unit, logits and probabilities, both layouts", () => {
    const g = rng(11);
    for (const k of [1, 2, 5])
      for (const layout of ["rows", "columns"] as const)
        for (const outputs of ["logits", "probabilities"] as const) {
          const m: number = 40;
          // few distinct values: many ties, and values on the thresholds
          const vals = Array.from({ length: m * k }, () => [0, 0.5, 1, -1, 0.25][Math.floor(g.uniform() * 5)] as number);
          const out = fromArray(layout === "rows" ? [m, k] : [k, m], vals);
          const truth = Array.from({ length: m }, (_, i) => (k === 1 ? i % 2 : i % k));
          const mine = labelsOf(vals, m, k, layout === "rows", outputs).filter((p, i) => p === truth[i]).length;
          expect(mine, `k=${k} ${layout} ${outputs}`).toBe(item(labelHits(out, truth, { layout, outputs })));
          // fit's count with no labels array, read after 3 leading elements (the cost and probes before a packed output)
          const packed = [Number.NaN, 7, -7, ...vals];
          expect(hitsOf(packed, 3, m, k, layout === "rows", outputs, truth), `hitsOf k=${k} ${layout} ${outputs}`).toBe(mine);
        }
  });
  test("hitsOf takes the first of equal maxima and never a NaN, as labelsOf does", () => {
    const vals = [Number.NaN, 1, 1, 2, 2, Number.NaN, 0, Number.NaN, 3];
    for (const rows of [true, false]) {
      const labels = labelsOf(vals, 3, 3, rows, "logits");
      for (let c = 0; c < 3; c++) {
        const truth = [c, c, c];
        expect(hitsOf(vals, 0, 3, 3, rows, "logits", truth)).toBe(labels.filter((l) => l === c).length);
      }
    }
  });
});
