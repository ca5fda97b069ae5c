/**
 * Option records with a misspelt or unknown key are errors naming the function, the key and the
 * nearest known one, where TypeScript cannot see them: a spread variable (the README's quick
 * start passes `...opts` to `fit`) or plain JavaScript. Before, `batchsize: 128` trained with the
 * default 32 and `conv2d(x, W, { strides: 2 })` convolved with stride 1, silently.
 */
import { describe, expect, it } from "vitest";
import { adam, conv2d, dense, fitAsync, mlp, ones, rng, softmaxCrossEntropy, fit as train, xor, zeros } from "../src/index.js";
import { checkOptionKeys } from "../src/tensor/options.js";

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

  it("checkOptionKeys: own keys only, anything not an object left to the caller", () => {
    const known = { stride: true, padding: true } as const;
    expect(() => checkOptionKeys("f", Object.create({ strides: 1 }), known)).not.toThrow();
    expect(() => checkOptionKeys("f", undefined, known)).not.toThrow();
    expect(() => checkOptionKeys("f", 3, known)).not.toThrow();
    expect(() => checkOptionKeys("f", { STRIDE: 1 }, known)).toThrow("f: unknown option 'STRIDE' (did you mean 'stride'?)");
    expect(() => checkOptionKeys("f", { constructor: 1 }, known)).toThrow("f: unknown option 'constructor' (the options are 'stride', 'padding')");
  });
});
