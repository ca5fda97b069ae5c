/**
 * A model that states its layout (an `mlp`, a layer, a `sequential`: its `layout` property) given
 * data in the other one: `fit`, `fitAsync`, `evaluate`, `evaluateAsync`, `predictClasses`,
 * `predict` of `Examples`, `trainStep` and `trainStepAsync` say so before the first batch, naming
 * the function, both layouts and the fix. The types refuse the same calls where both layouts are
 * literals (`test/types/train.tst.ts`); these are the calls from JavaScript or with a layout known
 * at run time. Before, `fit` failed at its first batch with a shape error that did not name the
 * layout, `predictClasses` of a tensor read each example's class along the wrong axis, and
 * `trainStep` of a model in rows, in the default layout, trained silently on a softmax taken
 * across the batch.
 */
import { describe, expect, test } from "vitest";
import { examples } from "../../src/data/index.js";
import { dense, mlp, sequential, softmaxCrossEntropy } from "../../src/nn/index.js";
import { adam } from "../../src/optim/index.js";
import type { Layout } from "../../src/shape/layout.js";
import { fromArray } from "../../src/tensor/create.js";
import { rng } from "../../src/tensor/random.js";
import { evaluate, evaluateAsync, fitAsync, predict, predictClasses, predictClassesAsync, fit as train, trainStep, trainStepAsync } from "../../src/train/index.js";

const data = examples<4, 2>(
  [
    [1, 2, 3, 4],
    [4, 3, 2, 1],
    [0, 1, 0, 1],
  ],
  [
    [1, 0],
    [0, 1],
    [1, 0],
  ],
);
const byRows = mlp([4, 3, 2], { layout: "rows" });
const params = byRows.init(rng(0));
/** A layout chosen at run time (a config's): the types ask nothing of it. */
const chosen = (l: string): Layout => l as Layout;
const run = { params, loss: softmaxCrossEntropy, optimizer: adam(1e-2), train: data, epochs: 1 };
const defaultMessage = "the model takes examples in layout 'rows' but option 'layout' is 'columns' (the default): pass { layout: 'rows' }";

describe("a model's layout against the data's", () => {
  test("fit and fitAsync: before the first batch, naming both layouts and the fix", async () => {
    expect(() => train({ ...run, model: byRows as never })).toThrow(`fit: ${defaultMessage}`);
    expect(() => train({ ...run, model: byRows as never, layout: chosen("columns") })).toThrow(
      "fit: the model takes examples in layout 'rows' but option 'layout' is 'columns': pass { layout: 'rows' }",
    );
    await expect(fitAsync({ ...run, model: byRows as never })).rejects.toThrow(`fitAsync: ${defaultMessage}`);
    const cols = mlp([4, 3, 2]);
    expect(() => train({ ...run, model: cols as never, params: cols.init(rng(0)) as never, layout: chosen("rows") })).toThrow(
      "fit: the model takes examples in layout 'columns' but option 'layout' is 'rows': pass { layout: 'columns' }",
    );
  });
  test("a sequential and a single layer state theirs too; a model that states none is left to its first batch", () => {
    const seq = sequential([dense(4, 2, { layout: "rows" })]);
    expect(() => train({ ...run, model: seq as never, params: seq.init(rng(0)) as never })).toThrow(`fit: ${defaultMessage}`);
    const layer = dense(4, 2, { layout: "rows" });
    expect(() => train({ ...run, model: layer as never, params: layer.init(rng(0)) as never })).toThrow(`fit: ${defaultMessage}`);
    // a plain { apply } states no layout: its first batch fails as before, with the data's widths named
    expect(() => train({ ...run, model: { apply: byRows.apply } })).toThrow(/^fit: option 'train' \(4 features, 2 targets per example\) does not fit the model/);
  });
  test("the agreeing layout trains, and evaluates", () => {
    const r = train({ ...run, model: byRows, layout: "rows" });
    expect(r.history).toHaveLength(1);
    expect(Number.isFinite(evaluate(byRows, r.params, data, softmaxCrossEntropy, { layout: "rows" }).loss)).toBe(true);
  });
  test("evaluate and evaluateAsync", async () => {
    expect(() => evaluate(byRows as never, params, data, softmaxCrossEntropy)).toThrow(`evaluate: ${defaultMessage}`);
    await expect(evaluateAsync(byRows as never, params, data, softmaxCrossEntropy, { chunk: 2 })).rejects.toThrow(`evaluateAsync: ${defaultMessage}`);
  });
  test("predictClasses reads classes along the layout's axis, so a tensor's layout is checked too; predict takes a tensor as it is", async () => {
    const X = fromArray([3, 4], data.x);
    expect(() => predictClasses(byRows as never, params, X)).toThrow(`predictClasses: ${defaultMessage}`);
    await expect(predictClassesAsync(byRows as never, params, data)).rejects.toThrow(`predictClassesAsync: ${defaultMessage}`);
    expect(predictClasses(byRows, params, X, { layout: "rows" })).toHaveLength(3);
    expect(predict(byRows, params, X).shape).toEqual([3, 2]);
    expect(() => predict(byRows as never, params, data)).toThrow(`predict: ${defaultMessage}`);
    expect(predict(byRows, params, data, { layout: "rows" }).shape).toEqual([3, 2]);
  });
  test("trainStep and trainStepAsync: before the step, which took the loss along the wrong axis without a word", async () => {
    const X = fromArray([3, 4], data.x);
    const Y = fromArray([3, 2], data.y);
    const opt = adam(1e-2);
    expect(() => trainStep(byRows as never, softmaxCrossEntropy, opt, params, opt.init(params), X, Y)).toThrow(`trainStep: ${defaultMessage}`);
    await expect(trainStepAsync(byRows as never, softmaxCrossEntropy, opt, params, opt.init(params), X, Y)).rejects.toThrow(`trainStepAsync: ${defaultMessage}`);
    expect(() => trainStep(byRows, softmaxCrossEntropy, opt, params, opt.init(params), X, Y, { layout: "row" as never })).toThrow("trainStep: option 'layout' must be");
    expect(Number.isFinite(trainStep(byRows, softmaxCrossEntropy, opt, params, opt.init(params), X, Y, { layout: "rows" }).loss)).toBe(true);
  });
});
