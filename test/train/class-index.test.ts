/**
 * A hand-written cost of `k` outputs against one class index per example (targets `[m, 1]`,
 * outputs `[m, k]`): `fit` and `evaluate` take it (their types ask no target count of the model
 * for a cost that takes targets of another shape, `TargetsAsked`; `test/types/train.tst.ts`), and
 * it trains. Before, `mlp([4, 16, 3])` with `Examples<4, 1>` did not compile whatever the cost.
 */
import { describe, expect, test } from "vitest";
import { examples } from "../../src/data/index.js";
import { mlp, softmaxCrossEntropy } from "../../src/nn/index.js";
import type { LossOptions } from "../../src/nn/losses.js";
import { astype, eq } from "../../src/ops/index.generated.js";
import { adam } from "../../src/optim/index.js";
import { fromArray } from "../../src/tensor/create.js";
import { rng } from "../../src/tensor/random.js";
import type { Tensor } from "../../src/tensor/tensor.js";
import { evaluate, fit as train } from "../../src/train/index.js";

const k = 3;
const classes = fromArray(
  [1, k],
  Float32Array.from({ length: k }, (_, i) => i),
);
/** Softmax cross-entropy of logits `[m, k]` against class indices `[m, 1]` (layout "rows"). */
const sparseCrossEntropy = (out: Tensor, Y: Tensor, opts?: LossOptions): Tensor<[]> => softmaxCrossEntropy(out, astype(eq(Y, classes), "float32") as Tensor, opts);

describe("a cost of k outputs against one class index", () => {
  test("trains with fit and evaluates, with accuracy read from the indices", () => {
    const xs = Array.from({ length: 60 }, (_, i) => [i % 3 === 0 ? 1 : 0, i % 3 === 1 ? 1 : 0, i % 3 === 2 ? 1 : 0, Math.sin(i)]);
    const data = examples<4, 1>(
      xs,
      xs.map((_, i) => [i % 3]),
    );
    const net = mlp([4, 16, 3], { layout: "rows", hidden: "relu" });
    const r = train({ model: net, params: net.init(rng(0)), loss: sparseCrossEntropy, optimizer: adam(0.05), train: data, layout: "rows", batchSize: 20, epochs: 40, seed: 1 });
    const first = r.history[0]?.loss as number;
    const last = r.history.at(-1)?.loss as number;
    expect(first).toBeGreaterThan(0.8); // about ln 3 at the start
    expect(last).toBeLessThan(first / 4);
    const ev = evaluate(net, r.params, data, sparseCrossEntropy, { layout: "rows" });
    expect(ev.loss).toBeLessThan(first / 4);
    expect(ev.accuracy).toBe(1);
  });
});
