/**
 * `fit`'s nested records and enumerated options, as a JavaScript caller (or a spread variable)
 * hands them over. Before, each of these trained on without a word: `earlyStopping: {
 * patiense: 1 }` (the default patience of 5), `patience: -1` or `"2"` (never, or always, stopped),
 * `minDelta: NaN` (stopped after 5 epochs with "best Infinity"), `divergence: { lossfactor: 2 }`,
 * `progress: { strem }` (drew on stderr), `task: "regresion"` (classification), `trainMetrics:
 * "all"`, `shuffle: "no"` (shuffled); `onBatch: 3` failed as "o.onBatch is not a function" after
 * the first batch, `layout: "row"` was named `toTensors`'s, an empty validation set was "argument
 * 'data'".
 */
import { describe, expect, it } from "vitest";
import {
  adam,
  evaluate,
  evaluateAsync,
  examples,
  fitAsync,
  makeBlobs,
  mlp,
  mse,
  oneHot,
  predict,
  predictClasses,
  predictClassesAsync,
  rng,
  fit as runFit,
  softmaxCrossEntropy,
  split,
  trainStep,
  trainStepAsync,
  zeros,
} from "../../src/index.js";

const js = (o: object): never => o as never; // what JavaScript hands over

describe("fit: nested records and enumerated options", () => {
  const net = mlp([2, 4, 2]);
  const train = oneHot(makeBlobs(rng(0), { m: 16, centers: 2, features: 2 }), 2);
  const base = { model: net, params: net.init(rng(1)), loss: softmaxCrossEntropy, optimizer: adam(1e-2), train, epochs: 2 };

  it.each([
    [{ earlyStopping: 3 }, "fit: option 'earlyStopping' must be a record such as { patience: 5 }, got 3"],
    [{ earlyStopping: { patiense: 1 } }, "fit: option 'earlyStopping' has an unknown key 'patiense' (did you mean 'patience'?)"],
    [{ earlyStopping: { patience: -1 } }, "fit: option 'earlyStopping.patience' must be an integer ≥ 0, got -1"],
    [{ earlyStopping: { patience: "2" } }, "fit: option 'earlyStopping.patience' must be an integer ≥ 0, got \"2\""],
    [{ earlyStopping: { minDelta: Number.NaN } }, "fit: option 'earlyStopping.minDelta' must be a finite number ≥ 0, got NaN"],
    [{ earlyStopping: { minDelta: -1 } }, "fit: option 'earlyStopping.minDelta' must be a finite number ≥ 0, got -1"],
    [{ earlyStopping: { restoreBest: "no" } }, "fit: option 'earlyStopping.restoreBest' must be a boolean, got \"no\""],
    [{ divergence: 5 }, "fit: option 'divergence' must be a record such as { lossFactor: 1e4 }, got 5"],
    [{ divergence: { lossfactor: 2 } }, "fit: option 'divergence' has an unknown key 'lossfactor' (did you mean 'lossFactor'?)"],
    [{ progress: { strem: { write: () => true } } }, "fit: option 'progress' has an unknown key 'strem' (did you mean 'stream'?)"],
    [{ task: "regresion" }, 'fit: option \'task\' must be "classification" or "regression", got "regresion"'],
    [{ outputs: "probs" }, 'fit: option \'outputs\' must be "logits" or "probabilities", got "probs"'],
    [{ trainMetrics: "all" }, 'fit: option \'trainMetrics\' must be "running" or "full", got "all"'],
    [{ layout: "row" }, 'fit: option \'layout\' must be "columns" or "rows", got "row"'],
    [{ shuffle: "no" }, "fit: option 'shuffle' must be a boolean, got \"no\""],
    [{ onBatch: 3 }, "fit: option 'onBatch' must be a function, got 3"],
    [{ onEpoch: "stop" }, "fit: option 'onEpoch' must be a function, got \"stop\""],
    [{ augment: {} }, "fit: option 'augment' must be a function, got an object"],
    [{ regularizer: 0.01 }, "fit: option 'regularizer' must be a function, got 0.01"],
  ])("refuses %j before training", (extra, message) => {
    let batches = 0;
    const counted = { onBatch: () => void batches++ };
    expect(() => runFit(js({ ...base, ...counted, ...extra }))).toThrow(new TypeError(message));
    expect(batches).toBe(0);
  });

  it("fitAsync checks the same, naming itself", async () => {
    await expect(fitAsync(js({ ...base, earlyStopping: { patiense: 1 } }))).rejects.toThrow("fitAsync: option 'earlyStopping' has an unknown key 'patiense'");
  });

  it("an empty validation set is named as the option", () => {
    const [, none] = split(examples([[0, 0]], [[1, 0]]), rng(0), 0.5);
    expect(none.m).toBe(0);
    expect(() => runFit({ ...base, validation: none })).toThrow(new TypeError("fit: option 'validation' must hold at least one example"));
  });

  it("accepts every valid value", () => {
    const r = runFit({
      ...base,
      validation: train,
      earlyStopping: { monitor: "valLoss", patience: 0, minDelta: 0, restoreBest: false },
      divergence: { lossFactor: Number.POSITIVE_INFINITY },
      progress: { stream: { write: () => true }, every: 0 },
      task: "classification",
      outputs: "logits",
      trainMetrics: "full",
      layout: "columns",
      shuffle: false,
      onBatch: () => undefined,
      onEpoch: () => undefined,
      augment: (b) => b,
    });
    expect(r.history.length).toBeGreaterThan(0);
  });
});

describe("evaluate, predict, predictClasses: enumerated options", () => {
  const net = mlp([2, 4, 2]);
  const p = net.init(rng(1));
  const data = oneHot(makeBlobs(rng(0), { m: 8, centers: 2, features: 2 }), 2);
  // before: a misspelt task or outputs ran as the default; a misspelt layout was reported by softmaxCrossEntropy or toTensors
  it.each([
    [{ task: "regresion" }, 'option \'task\' must be "classification" or "regression", got "regresion"'],
    [{ outputs: "probs" }, 'option \'outputs\' must be "logits" or "probabilities", got "probs"'],
    [{ layout: "row" }, 'option \'layout\' must be "columns" or "rows", got "row"'],
  ])("evaluate and evaluateAsync refuse %j", async (opts, message) => {
    expect(() => evaluate(net, p, data, softmaxCrossEntropy, js(opts))).toThrow(new TypeError(`evaluate: ${message}`));
    await expect(evaluateAsync(net, p, data, softmaxCrossEntropy, js(opts))).rejects.toThrow(new TypeError(`evaluateAsync: ${message}`));
  });

  it("evaluateAsync names itself for a bad chunk", async () => {
    await expect(evaluateAsync(net, p, data, softmaxCrossEntropy, { chunk: 0 })).rejects.toThrow(new TypeError("evaluateAsync: option 'chunk' must be an integer ≥ 1, got 0"));
  });

  it("predict and predictClasses refuse a misspelt layout or outputs", async () => {
    expect(() => predict(net, p, data, js({ layout: "row" }))).toThrow(new TypeError('predict: option \'layout\' must be "columns" or "rows", got "row"'));
    expect(() => predictClasses(net, p, data, js({ outputs: "probs" }))).toThrow(new TypeError('predictClasses: option \'outputs\' must be "logits" or "probabilities", got "probs"'));
    await expect(predictClassesAsync(net, p, data, js({ layout: "row" }))).rejects.toThrow('predictClassesAsync: option \'layout\' must be "columns" or "rows", got "row"');
    expect(predictClasses(net, p, data, { layout: "columns", outputs: "probabilities" })).toHaveLength(8);
  });
});

describe("fit: parameters or optimizer state that do not fit, named as such", () => {
  // before: both were reported as "option 'train' (2 features, 2 targets per example) does not fit the model"
  const net = mlp([2, 4, 2]);
  const other = mlp([2, 3, 2]);
  const train = oneHot(makeBlobs(rng(0), { m: 16, centers: 2, features: 2 }), 2);
  const base = { model: net, loss: softmaxCrossEntropy, optimizer: adam(1e-2), train, epochs: 1 };

  it("params of another model", () => {
    expect(() => runFit({ ...base, params: js(other.init(rng(0))) })).toThrow(/^fit: option 'params' does not fit the model: W1: shape \[3, 2\], expected \[4, 2\]/);
  });

  it("an optimizer state or a resumed state made for other parameters", () => {
    const p = net.init(rng(0));
    const r = runFit({ ...base, model: other, params: other.init(rng(0)) });
    expect(() => runFit({ ...base, params: p, optState: js(r.optState) })).toThrow(/^fit: option 'optState' does not fit option 'params': slot 0: W1: shape \[3, 2\], expected \[4, 2\]/);
    expect(() => runFit({ ...base, params: p, resume: js(r.state), epochs: 2 })).toThrow(/^fit: option 'resume' does not fit option 'params': slot 0: W1: shape \[3, 2\], expected \[4, 2\]/);
  });

  it("data of the wrong width is still named as the data", () => {
    expect(() => runFit({ ...base, params: net.init(rng(0)), train: js(oneHot(makeBlobs(rng(0), { m: 8, centers: 2, features: 3 }), 2)) })).toThrow(
      /^fit: option 'train' \(3 features, 2 targets per example\) does not fit the model/,
    );
  });
});

describe("trainStep, trainStepAsync: arguments from JavaScript", () => {
  // before: "loss is not a function", "optimizer.step is not a function or its return value is not iterable",
  // "model.apply is not a function", "Cannot read properties of undefined (reading 'length')"
  const net = mlp([2, 3]);
  const p = net.init(rng(0));
  const opt = adam(1e-3);
  const s = opt.init(p);
  const X = zeros([2, 4]);
  const Y = zeros([3, 4]);
  it.each([
    ["model", [js({}), mse, opt, p, s], "argument 'model' must have an apply(params, X, ctx) method"],
    ["loss", [net, "mse" as never, opt, p, s], "argument 'loss' must be a cost function such as softmaxCrossEntropy"],
    ["optimizer", [net, mse, js({}), p, s], "argument 'optimizer' must be an optimizer such as adam(1e-3)"],
    ["state", [net, mse, opt, p, js({})], "argument 'state' must be an optimizer state (optimizer.init(params))"],
  ] as const)("a bad %s is named", async (_, [model, loss, optimizer, params, state], message) => {
    expect(() => trainStep(model, loss, optimizer, params, state, X, Y)).toThrow(new TypeError(`trainStep: ${message}`));
    await expect(trainStepAsync(model, loss, optimizer, params, state, X, Y)).rejects.toThrow(new TypeError(`trainStepAsync: ${message}`));
  });

  it("an optimizer's step names a state that is not one", () => {
    expect(() => opt.step(p, p, js({}))).toThrow(new TypeError("adam.step: argument 'state' must come from adam.init (2 slots)"));
  });
});
