/**
 * Option records with a misspelt or unknown key are errors naming the function, the key and the
 * nearest known one, where TypeScript cannot see them: a spread variable (the README's quick
 * start passes `...opts` to `fit`) or plain JavaScript. Before, `batchsize: 128` trained with the
 * default 32 and `conv2d(x, W, { strides: 2 })` convolved with stride 1, silently.
 */
import { describe, expect, it } from "vitest";
import { loadMnist } from "../src/datasets/index.js";
import {
  adam,
  avgPool2dLayer,
  batchNormLayer,
  circles,
  configureWasm,
  configureWebGPU,
  conv2d,
  conv2dLayer,
  crossEntropy,
  decodeModel,
  dense,
  encodeModel,
  evaluate,
  exponentialDecay,
  fitAsync,
  gaussianClusters,
  gru,
  logLoss,
  logLossFromLogits,
  makeBlobs,
  maxPool2dLayer,
  mlp,
  moons,
  mse,
  ones,
  predict,
  predictClasses,
  rng,
  shiftImages,
  softmaxCrossEntropy,
  spiral,
  fit as train,
  trainStep,
  xor,
  zeros,
} from "../src/index.js";
import { loadModel, saveCheckpoint, saveModel } from "../src/node/index.js";
import { exportOnnx, importOnnx } from "../src/onnx/index.js";
import { decisionBoundary, digitGrid, lineChart, trainingCurves } from "../src/plot/index.js";
import { checkOptionKeys } from "../src/shape/options.js";

const loose = <T>(o: T): T => o; // what a spread variable or JavaScript hands over: no excess-key check
const js = (o: object): {} => o; // what JavaScript hands over, where even TypeScript's weak-type check is absent

describe("unknown option keys", () => {
  const net = mlp([2, 4, 1]);
  const base = { model: net, params: net.init(rng(0)), loss: softmaxCrossEntropy, optimizer: adam(1e-2), train: xor(rng(0), { m: 8 }), epochs: 1 };

  it("fit and fitAsync name the key and the option it is likely a typo of", async () => {
    expect(() => train(loose({ ...base, batchsize: 4 }))).toThrow(new TypeError("fit: unknown option 'batchsize' (did you mean 'batchSize'?)"));
    expect(() => train(loose({ ...base, epoch: 4 }))).toThrow("fit: unknown option 'epoch' (did you mean 'epochs'?)");
    expect(() => train(loose({ ...base, learningRate: 4 }))).toThrow(/^fit: unknown option 'learningRate' \(the options are 'model', 'params', 'loss', 'optimizer', /);
    await expect(fitAsync(loose({ ...base, yieldevery: 4 }))).rejects.toThrow("fitAsync: unknown option 'yieldevery' (did you mean 'yieldEvery'?)");
    expect(() => train(loose({ ...base, yieldEvery: 4 }))).toThrow("fit: unknown option 'yieldEvery'");
    expect(train({ ...base, batchSize: 4 }).history).toHaveLength(1);
    expect((await fitAsync({ ...base, batchSize: 4, yieldEvery: 0 })).history).toHaveLength(1);
  });

  it("layers, conv2d and creation options", () => {
    expect(() => dense(2, 3, js({ activaton: "relu" }))).toThrow("dense: unknown option 'activaton' (did you mean 'activation'?)");
    expect(() => mlp([2, 3], js({ hiden: "relu" }))).toThrow("mlp: unknown option 'hiden' (did you mean 'hidden'?)");
    expect(() => conv2d(zeros([1, 5, 5, 1]), zeros([3, 3, 1, 2]), js({ strides: 2 }))).toThrow("conv2d: unknown option 'strides' (did you mean 'stride'?)");
    expect(() => zeros([2], js({ dtyp: "float64" }))).toThrow("zeros: unknown option 'dtyp' (did you mean 'dtype'?)");
    expect(() => ones([2], js({ type: "float64" }))).toThrow("ones: unknown option 'type' (did you mean 'dtype'?)");
    expect(dense(2, 3, { activation: "relu", layout: "rows", init: "he", dropout: 0.1, alpha: 0.2, alphaInit: 0.1, rreluRange: [0.1, 0.2] }).nOut).toBe(3);
    expect(conv2d(zeros([1, 5, 5, 1]), zeros([3, 3, 1, 2]), { stride: 2, padding: "same", dilation: 1, groups: 1 }).shape).toEqual([1, 3, 3, 2]);
  });

  it("image and recurrent layers", () => {
    expect(() => conv2dLayer([8, 8, 1], 2, 3, js({ activaton: "relu" }))).toThrow("conv2dLayer: unknown option 'activaton' (did you mean 'activation'?)");
    expect(() => conv2dLayer([8, 8, 1], 2, 3, js({ strides: 2 }))).toThrow("conv2dLayer: unknown option 'strides' (did you mean 'stride'?)");
    expect(() => maxPool2dLayer([8, 8, 1], 2, js({ strides: 1 }))).toThrow("maxPool2dLayer: unknown option 'strides' (did you mean 'stride'?)");
    // pooling has no dilation: the key is refused, not silently ignored
    expect(() => avgPool2dLayer([8, 8, 1], 2, js({ dilation: 2 }))).toThrow("avgPool2dLayer: unknown option 'dilation' (the options are 'stride', 'padding')");
    expect(() => batchNormLayer([4], js({ momentun: 0.9 }))).toThrow("batchNormLayer: unknown option 'momentun' (did you mean 'momentum'?)");
    expect(() => gru(3, 4, js({ return: "sequence" }))).toThrow("gru: unknown option 'return' (did you mean 'returns'?)");
    expect(conv2dLayer([8, 8, 2], 2, 3, { stride: 1, padding: "same", dilation: 1, groups: 2, activation: "relu", init: "he", dropout: 0 }).nOut).toEqual([8, 8, 2]);
    expect(maxPool2dLayer([8, 8, 1], 2, { stride: 2, padding: "valid" }).nOut).toEqual([4, 4, 1]);
    expect(batchNormLayer([4], { momentum: 0.9, epsilon: 1e-5, activation: "relu" }).nOut).toEqual([4]);
    expect(gru(3, 4, { returns: "sequence", reverse: true }).nOut).toBe(4);
  });

  it("evaluate, predict, predictClasses and trainStep", () => {
    const p = net.init(rng(0));
    const data = xor(rng(0), { m: 8 });
    expect(() => evaluate(net, p, data, softmaxCrossEntropy, js({ chunks: 4 }))).toThrow("evaluate: unknown option 'chunks' (did you mean 'chunk'?)");
    expect(() => predict(net, p, data, js({ layot: "rows" }))).toThrow("predict: unknown option 'layot' (did you mean 'layout'?)");
    expect(() => predictClasses(net, p, data, js({ output: "probabilities" }))).toThrow("predictClasses: unknown option 'output' (did you mean 'outputs'?)");
    const X = zeros([2, 8]);
    const Y = zeros([1, 8]);
    const opt = adam(1e-2);
    expect(() => trainStep(net, softmaxCrossEntropy, opt, p, opt.init(p), X, Y, js({ donated: true }))).toThrow("trainStep: unknown option 'donated' (did you mean 'donate'?)");
    expect(evaluate(net, p, data, softmaxCrossEntropy, { chunk: 4, layout: "columns", task: "classification", outputs: "logits", dtype: "float32" }).accuracy).toBeDefined();
  });

  it("ONNX, checkpoints and model files", () => {
    const p = net.init(rng(0));
    expect(() => exportOnnx(net, p, js({ inputs: "X" }))).toThrow("exportOnnx: unknown option 'inputs' (did you mean 'input'?)");
    const bytes = exportOnnx(net, p, { input: "X", output: "Y", batch: "m", steps: "T", name: "g", metadata: {} });
    expect(() => importOnnx(bytes, net, js({ maxbytes: 1 }))).toThrow("importOnnx: unknown option 'maxbytes' (did you mean 'maxBytes'?)");
    expect(() => saveCheckpoint("out/test/options.ckpt", p, js({ metadata: {} }))).toThrow("saveCheckpoint: unknown option 'metadata' (the options are 'meta')");
    // a misspelt `state` dropped the training state from the file without a word
    expect(() => saveModel("out/test/options.ckpt", loose({ model: net, params: p, stat: {} }))).toThrow("saveModel: unknown option 'stat' (did you mean 'state'?)");
    expect(() => encodeModel(loose({ model: net, params: p, optimiser: "adam" }))).toThrow("encodeModel: unknown option 'optimiser' (did you mean 'optimizer'?)");
    const ckpt = encodeModel({ model: net, params: p, meta: {} });
    expect(() => decodeModel(ckpt, net, js({ dtyp: "float32" }))).toThrow("decodeModel: unknown option 'dtyp' (did you mean 'dtype'?)");
    expect(() => loadModel("out/test/no-such.ckpt", net, js({ dtyp: "float32" }))).toThrow("loadModel: unknown option 'dtyp' (did you mean 'dtype'?)");
  });

  it("plots: options and series", () => {
    expect(() => lineChart([{ name: "a", y: [1, 2] }], js({ widht: 300 }))).toThrow("lineChart: unknown option 'widht' (did you mean 'width'?)");
    expect(() => lineChart([loose({ name: "a", y: [1, 2], dahsed: true })])).toThrow("lineChart: series 'a' has an unknown key 'dahsed' (did you mean 'dashed'?)");
    expect(() => trainingCurves([{ epoch: 1, loss: 1, accuracy: undefined, valLoss: undefined, valAccuracy: undefined }], js({ logloss: true }))).toThrow(
      "trainingCurves: unknown option 'logloss' (did you mean 'logLoss'?)",
    );
    expect(() => digitGrid([[0, 1, 1, 0]], js({ colums: 2 }))).toThrow("digitGrid: unknown option 'colums' (did you mean 'columns'?)");
    const data = xor(rng(0), { m: 8 });
    expect(() => decisionBoundary(data, [0, 1, 1, 0, 0, 1, 1, 0], () => [], js({ resolutoin: 10 }))).toThrow("decisionBoundary: unknown option 'resolutoin' (did you mean 'resolution'?)");
    expect(lineChart([{ name: "a", y: [1, 2], x: [0, 1], dashed: true }], { title: "t", xLabel: "x", yLabel: "y", logY: true, markers: true, width: 300, height: 200 })).toMatch(/^<svg/);
  });

  it("toy data sets, augmentation and schedules", () => {
    expect(() => xor(rng(0), js({ n: 8 }))).toThrow("xor: unknown option 'n' (did you mean 'm'?)");
    expect(() => moons(rng(0), js({ nosie: 0.1 }))).toThrow("moons: unknown option 'nosie' (did you mean 'noise'?)");
    expect(() => circles(rng(0), js({ margin: 0.1 }))).toThrow("circles: unknown option 'margin' (the options are 'm', 'noise', 'factor')");
    expect(() => gaussianClusters(rng(0), js({ std: 1 }))).toThrow("gaussianClusters: unknown option 'std' (the options are 'm', 'noise')");
    expect(() => spiral(rng(0), js({ class: 3 }))).toThrow("spiral: unknown option 'class' (did you mean 'classes'?)");
    expect(() => makeBlobs(rng(0), js({ center: 3 }))).toThrow("makeBlobs: unknown option 'center' (did you mean 'centers'?)");
    expect(() => shiftImages(xor(rng(0), { m: 4 }), rng(0), js({ maxShift: 1 }))).toThrow("shiftImages: unknown option 'maxShift' (the options are 'width', 'height', 'max', 'fill')");
    expect(() => exponentialDecay(0.1, 0.9, 10, js({ stairCase: true }))).toThrow("exponentialDecay: unknown option 'stairCase' (did you mean 'staircase'?)");
    expect(xor(rng(0), { m: 8, noise: 0, margin: 0.1 }).m).toBe(8);
    expect(circles(rng(0), { m: 8, noise: 0, factor: 0.5 }).m).toBe(8);
    expect(spiral(rng(0), { m: 8, noise: 0, classes: 2, turns: 1 }).m).toBe(8);
    expect(makeBlobs(rng(0), { m: 8, centers: 2, features: 2, std: 1, box: [-1, 1] }).m).toBe(8);
    expect(shiftImages(makeBlobs(rng(0), { m: 2, features: 4 }), rng(0), { width: 2, height: 2, max: 1, fill: 0 }).m).toBe(2);
    // refused before the data package is loaded
    return expect(loadMnist(js({ n: 700 }))).rejects.toThrow("loadMnist: unknown option 'n' (did you mean 'm'?)");
  });

  it("backend settings: configureWasm and configureWebGPU (src/backend checks keys with the same helper)", () => {
    expect(() => configureWasm(js({ thread: 1 }))).toThrow(new TypeError("configureWasm: unknown option 'thread' (did you mean 'threads'?)"));
    expect(() => configureWasm(js({ relaxedSIMD: false }))).toThrow("configureWasm: unknown option 'relaxedSIMD' (did you mean 'relaxedSimd'?)");
    const gpu = configureWebGPU({});
    expect(() => configureWebGPU(js({ convWindow: 1 }))).toThrow("configureWebGPU: unknown option 'convWindow' (the options are 'tile', 'conv', 'convWindowBytes')");
    // a misspelt tile size was dropped: the tile kept its old bk and the new one ran with it
    expect(() => configureWebGPU({ tile: loose({ bm: 32, bn: 32, bk: 16, tm: 2, tn: 2, tk: 4 }) })).toThrow("configureWebGPU: option 'tile' has an unknown key 'tk' (did you mean 'bk'?)");
    expect(configureWebGPU({})).toEqual(gpu);
    // not a record: the engine's "Cannot read properties of undefined (reading 'splitElementwise')" before
    expect(() => configureWasm(js(undefined as unknown as object))).toThrow(new TypeError("configureWasm: argument 'opts' must be a record such as { threads: 2 }, got undefined"));
    expect(() => configureWebGPU(js(null as unknown as object))).toThrow(new TypeError("configureWebGPU: argument 'opts' must be a record such as { conv: \"auto\" }, got null"));
    expect(configureWasm({ threads: configureWasm({}).threads, splitElementwise: "costly" }).splitElementwise).toBe("costly");
  });

  it("losses: options are checked on every call (fit hands its own { layout })", () => {
    const Z = zeros([3, 4]);
    const Y = zeros([3, 4]);
    expect(() => softmaxCrossEntropy(Z, Y, js({ layot: "rows" }))).toThrow("softmaxCrossEntropy: unknown option 'layot' (did you mean 'layout'?)");
    // eps is the probability costs' option: mse and the logit costs have none
    expect(() => mse(Z, Y, js({ eps: 1e-3 }))).toThrow("mse: unknown option 'eps' (the options are 'layout')");
    expect(() => logLossFromLogits(Z, Y, js({ eps: 1e-3 }))).toThrow("logLossFromLogits: unknown option 'eps' (the options are 'layout')");
    expect(() => crossEntropy(Z, Y, js({ epsilon: 1e-3 }))).toThrow("crossEntropy: unknown option 'epsilon' (the options are 'layout', 'eps')");
    expect(() => logLoss(Z, Y, js({ esp: 1e-3 }))).toThrow("logLoss: unknown option 'esp' (did you mean 'eps'?)");
    expect(logLoss(Z, Y, { eps: 1e-3, layout: "rows" }).shape).toEqual([]);
    expect(mse(Z, Y, { layout: "columns" }).shape).toEqual([]);
  });

  it("checkOptionKeys: own keys only, anything not an object left to the caller", () => {
    const known = { stride: true, padding: true } as const;
    expect(() => checkOptionKeys("f", Object.create({ strides: 1 }), known)).not.toThrow();
    expect(() => checkOptionKeys("f", undefined, known)).not.toThrow();
    expect(() => checkOptionKeys("f", 3, known)).not.toThrow();
    expect(() => checkOptionKeys("f", { STRIDE: 1 }, known)).toThrow("f: unknown option 'STRIDE' (did you mean 'stride'?)");
    expect(() => checkOptionKeys("f", { constructor: 1 }, known)).toThrow("f: unknown option 'constructor' (the options are 'stride', 'padding')");
  });
});
