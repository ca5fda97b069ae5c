/**
 * The training loop: the three regimes take the documented number of updates, a run is
 * bit-identical for one seed, callbacks and early stopping stop it, the NaN guard returns the
 * last parameters with a finite cost, and a small net learns XOR.
 */
import { describe, expect, test } from "vitest";
import { examples, oneHot, toTensors, xor } from "../../src/data/index.js";
import { dense, logLossFromLogits, mlp, mse, softmaxCrossEntropy } from "../../src/nn/index.js";
import { sum } from "../../src/ops/sum.js";
import { adam, gd } from "../../src/optim/index.js";
import { toFlat } from "../../src/tensor/create.js";
import { rng } from "../../src/tensor/random.js";
import type { Tensor } from "../../src/tensor/tensor.js";
import { accuracy, confusionMatrix, evaluate, fitAsync, predictLabels, fit as train } from "../../src/train/index.js";

const data = xor(rng(0), { m: 64 });

describe("fit: a loss or regularizer that does not return a scalar tensor is named", () => {
  const net = mlp([2, 8, 1], { hidden: "tanh" });
  const base = { model: net, params: net.init(rng(1)), loss: logLossFromLogits, optimizer: gd(0.1), train: data, epochs: 1 } as const;
  test("fit and fitAsync name the option (it was 'valueAndGradAux: f must return …')", async () => {
    expect(() => train({ ...base, regularizer: (p) => sum(p.W1, 0) as never })).toThrow(new TypeError("fit: option 'regularizer' must return a scalar Tensor<[]>, got shape [2]"));
    expect(() => train({ ...base, loss: (() => 1) as never })).toThrow(new TypeError("fit: option 'loss' must return a scalar Tensor<[]>, got number"));
    expect(() => train({ ...base, loss: ((A: Tensor) => A) as never })).toThrow(new TypeError("fit: option 'loss' must return a scalar Tensor<[]>, got shape [1, 32]"));
    await expect(fitAsync({ ...base, regularizer: () => undefined as never })).rejects.toThrow(new TypeError("fitAsync: option 'regularizer' must return a scalar Tensor<[]>, got undefined"));
  });
});

describe("fit", () => {
  const net = mlp([2, 8, 1], { hidden: "tanh" });
  const base = { model: net, params: net.init(rng(1)), loss: logLossFromLogits, train: data, epochs: 3, seed: 5 } as const;

  test.each([
    ["online", 1, 64 * 3],
    ["mini-batch", 10, 7 * 3],
    ["full batch", "full", 3],
  ] as const)("%s: %s per update gives the documented number of steps", (_name, batchSize, steps) => {
    let seen = 0;
    const r = train({
      ...base,
      optimizer: gd(0.1),
      batchSize,
      onBatch: () => {
        seen++;
        return undefined;
      },
    });
    expect(r.history.map((h) => h.steps)).toEqual([1, 2, 3].map((e) => (e * steps) / 3));
    expect(seen).toBe(steps);
    expect(r.stop.reason).toBe("epochs");
  });

  test("same seed, same run, bit for bit; another seed shuffles differently", () => {
    const run = (seed: number) => train({ ...base, optimizer: adam(0.01), batchSize: 8, seed, validation: data });
    const a = run(5);
    const b = run(5);
    const c = run(6);
    expect(b.history).toEqual(a.history);
    expect(Array.from(toFlat(b.params.W1))).toEqual(Array.from(toFlat(a.params.W1)));
    expect(Array.from(toFlat(c.params.W1))).not.toEqual(Array.from(toFlat(a.params.W1)));
  });

  test("a 2-8-1 tanh net learns XOR (training and validation accuracy)", () => {
    const r = train({ ...base, optimizer: adam(0.05), batchSize: 16, epochs: 60, validation: xor(rng(9), { m: 100 }) });
    const last = r.history[r.history.length - 1];
    expect(last?.accuracy).toBeGreaterThan(0.95);
    expect(last?.valAccuracy).toBeGreaterThan(0.9);
    expect(last?.loss).toBeLessThan((r.history[0]?.loss ?? 0) / 2);
  });

  test("the divergence guard stops at the first non-finite cost with the last finite parameters", () => {
    // a linear model, MSE and a far too large step: the weights grow geometrically until they overflow
    const lin = dense(2, 1);
    const kept: number[][] = [];
    const r = train({
      model: lin,
      params: lin.init(rng(1)),
      loss: mse,
      optimizer: gd(50),
      train: data,
      task: "regression",
      batchSize: "full",
      epochs: 500,
      divergence: { lossFactor: Infinity }, // only the non-finite checks
      onEpoch: (_rec, p) => {
        kept.push(Array.from(toFlat(p.W)));
        return undefined;
      },
    });
    expect(r.stop.reason).toBe("diverged");
    expect(r.stop.message).toMatch(/fit: diverged at epoch \d+, batch 0 \(step \d+\): the (loss|parameter) became|parameter '(W|b)' became/);
    expect(kept.length).toBeGreaterThan(2);
    // epoch E failed on the params of epoch E − 1, whose cost was never finite: E − 2 is the last good one
    expect(Array.from(toFlat(r.params.W))).toEqual(kept[kept.length - 2]);
    expect(Array.from(toFlat(r.params.W)).every(Number.isFinite)).toBe(true);
  });

  test('a callback that returns a promise (an async function, from JavaScript) is an error, not a silently ignored "stop"', async () => {
    const later = (v: unknown): (() => "stop") => (async () => v) as unknown as () => "stop";
    expect(() => train({ ...base, optimizer: gd(0.1), epochs: 2, onEpoch: later("stop") })).toThrow(
      new TypeError(
        "fit: option 'onEpoch' returned a promise; callbacks are synchronous and their result is read at once (return \"stop\" or nothing): start async work without returning it, or stop the run with an AbortSignal",
      ),
    );
    expect(() => train({ ...base, optimizer: gd(0.1), epochs: 2, onBatch: later(undefined) })).toThrow(/^fit: option 'onBatch' returned a promise; /);
    await expect(fitAsync({ ...base, optimizer: gd(0.1), epochs: 2, onEpoch: later("stop") })).rejects.toThrow(/^fitAsync: option 'onEpoch' returned a promise; /);
    // biome-ignore lint/suspicious/noThenProperty: a thenable that is not a Promise, as a JavaScript library might return
    const thenable = { then: () => undefined } as unknown as "stop";
    expect(() => train({ ...base, optimizer: gd(0.1), epochs: 2, onBatch: () => thenable })).toThrow(/^fit: option 'onBatch' returned a promise; /);
  });

  test("callbacks and early stopping stop the run", () => {
    const byCallback = train({ ...base, optimizer: gd(0.1), epochs: 10, onEpoch: (rec) => (rec.epoch === 2 ? "stop" : undefined) });
    expect(byCallback.stop.reason).toBe("callback");
    expect(byCallback.history).toHaveLength(2);
    const kept: number[][] = [];
    const early = train({
      ...base,
      optimizer: adam(0.3),
      epochs: 200,
      validation: xor(rng(9), { m: 16 }),
      earlyStopping: { patience: 3 },
      onEpoch: (_rec, p) => {
        kept.push(Array.from(toFlat(p.W1)));
        return undefined;
      },
    });
    expect(early.stop.reason).toBe("earlyStopping");
    const losses = early.history.map((h) => h.valLoss as number);
    const best = losses.indexOf(Math.min(...losses));
    expect(early.history.length).toBe(best + 1 + 3);
    expect(Array.from(toFlat(early.params.W1))).toEqual(kept[best]);
  });

  test("evaluate, predictLabels, accuracy, confusionMatrix", () => {
    const d = oneHot(
      examples<2, 1>(
        [
          [1, 0],
          [0, 1],
          [1, 1],
        ],
        [[0], [1], [2]],
      ),
      3,
    );
    const layer = dense(2, 3, { init: "zeros" });
    const p = layer.init(rng(0));
    const { loss, accuracy: acc } = evaluate(layer, p, d, softmaxCrossEntropy);
    expect(loss).toBeCloseTo(Math.log(3), 6); // uniform softmax
    expect(acc).toBeCloseTo(1 / 3, 12); // argmax picks class 0 on ties
    expect(predictLabels(toTensors(d).Y)).toEqual([0, 1, 2]);
    expect(predictLabels(toTensors(d, "rows").Y, { layout: "rows" })).toEqual([0, 1, 2]);
    expect(accuracy([0, 1, 1], [0, 1, 0])).toBeCloseTo(2 / 3, 12);
    expect(confusionMatrix([0, 1, 1], [0, 1, 0], 2)).toEqual([
      [1, 1],
      [0, 1],
    ]);
  });

  test("confusionMatrix: k bounded, labels integers (k = 1e6 had run the process out of memory)", () => {
    for (const k of [1e6, 4097, 0, 1.5, Number.NaN, -1])
      expect(() => confusionMatrix([0], [0], k)).toThrow(new RangeError(`confusionMatrix: argument 'k' must be an integer from 1 to 4096 (the matrix holds k² counts), got ${k}`));
    // before: 1.5 and NaN were written as properties of a row, and counted nowhere
    expect(() => confusionMatrix([1.5], [0], 2)).toThrow(new RangeError("confusionMatrix: label out of range at example 0 (actual 0, predicted 1.5, k = 2)"));
    expect(() => confusionMatrix([0], [Number.NaN], 2)).toThrow(new RangeError("confusionMatrix: label out of range at example 0 (actual NaN, predicted 0, k = 2)"));
    expect(confusionMatrix([3], [3], 4096)[3]?.[3]).toBe(1);
  });
});
