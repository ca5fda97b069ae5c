/**
 * Every refusal of the layers, losses and initialisers (`src/nn`): a bad argument throws a message
 * that names the function, the argument and what was expected, checked in full, and the nearest
 * valid value is accepted (so each boundary is pinned on both sides).
 */
import { describe, expect, it } from "vitest";
import { activate, activationBackward, prelu, rrelu } from "../../src/nn/activations.js";
import { architectureLayers, paramLayout } from "../../src/nn/architecture.js";
import { batchNormState } from "../../src/nn/batchNorm.js";
import { avgPool2dLayer, batchNormLayer, conv2dLayer, flattenLayer, globalAvgPool2dLayer, maxPool2dLayer, reshapeLayer } from "../../src/nn/conv.js";
import { dense, gradsAsParams } from "../../src/nn/dense.js";
import { dropout } from "../../src/nn/dropout.js";
import { initializer, initializers } from "../../src/nn/init.js";
import { crossEntropy, logLoss, logLossFromLogits, mse, softmaxCrossEntropy } from "../../src/nn/losses.js";
import { mlp } from "../../src/nn/mlp.js";
import { bidirectional, gru, gruCell, lstm, lstmCell, recurrentNet, rnn, rnnCell } from "../../src/nn/recurrent.js";
import { sequential } from "../../src/nn/sequential.js";
import { ShapeError } from "../../src/shape/dims.js";
import { fill, ones, tensor, toArray, zeros } from "../../src/tensor/create.js";
import { rng, uniform } from "../../src/tensor/random.js";
import type { Tensor } from "../../src/tensor/tensor.js";

/** A value the types would refuse, passed on purpose. */
const bad = (v: unknown): never => v as never;

describe("activations", () => {
  it("rrelu: the slope range and the generator", () => {
    const z = tensor([-2, 1]);
    expect(() => rrelu(z, {}, [-0.1, 0.2])).toThrow(new RangeError("rrelu: the slope range must satisfy 0 ≤ lower ≤ upper < 1, got [-0.1, 0.2]"));
    expect(() => rrelu(z, {}, [0.3, 0.2])).toThrow("rrelu: the slope range must satisfy 0 ≤ lower ≤ upper < 1, got [0.3, 0.2]");
    expect(() => rrelu(z, {}, [0.2, 1])).toThrow("got [0.2, 1]");
    expect(toArray(rrelu(z, {}, [0, 0]))).toEqual([-0, 1]);
    expect(toArray(rrelu(z, {}, [0.5, 0.5]))).toEqual([-1, 1]);
    expect(() => rrelu(z, { training: true })).toThrow(new TypeError("rrelu: training needs a generator, pass { training: true, rng }"));
    const drawn = toArray(rrelu(tensor([-1, -1, -1, -1, 3]), { training: true, rng: rng(1) }, [0.25, 0.5])) as number[];
    expect(drawn[4]).toBe(3);
    for (const a of drawn.slice(0, 4)) expect(-a >= 0.25 && -a <= 0.5).toBe(true);
  });
  it("prelu needs its alpha, forward and backward", () => {
    const Z = tensor([[-1, 2]]);
    expect(() => activate("prelu", Z, 0, {}, {}, undefined)).toThrow(new TypeError("prelu: the layer's parameters have no 'alpha'"));
    expect(() => activationBackward("prelu", Z, Z, Z, 0, {}, undefined, undefined)).toThrow(new TypeError("prelu: the layer's parameters have no 'alpha'"));
    expect(toArray(prelu(Z, tensor(0.5)))).toEqual([[-0.5, 2]]);
  });
});

describe("dense", () => {
  it("sizes, activation, layout and dropout", () => {
    expect(() => dense(0, 3)).toThrow(new TypeError("dense: argument 'nIn' must be an integer ≥ 1, got 0"));
    expect(() => dense(2, 1.5)).toThrow(new TypeError("dense: argument 'nOut' must be an integer ≥ 1, got 1.5"));
    expect(() => dense(bad("2"), 3)).toThrow("dense: argument 'nIn' must be an integer ≥ 1, got 2");
    expect(dense(1, 1).nOut).toBe(1);
    expect(() => dense(2, 3, { activation: bad("swish") })).toThrow(
      new TypeError("dense: option 'activation' must be one of linear, sigmoid, tanh, relu, leakyRelu, prelu, rrelu, elu, softmax, got \"swish\""),
    );
    expect(() => dense(2, 3, { layout: bad("cols") })).toThrow(new TypeError('dense: option \'layout\' must be "columns" or "rows", got "cols"'));
    expect(() => dense(2, 3, { dropout: 1 })).toThrow(new RangeError("dense: option 'dropout' must be in [0, 1), got 1"));
    expect(() => dense(2, 3, { dropout: -0.1 })).toThrow("dense: option 'dropout' must be in [0, 1), got -0.1");
    expect(() => dense(2, 3, { dropout: Number.NaN })).toThrow("got NaN");
    expect(dense(2, 3, { dropout: 0 }).nIn).toBe(2);
    expect(() => dense(2, 3, { init: bad("glorot") })).toThrow(/^dense: option 'init' must be one of zeros, .* or a function, got "glorot"$/);
  });
  it("params, inputs, the dropout generator and dA's shape", () => {
    const l = dense(2, 3);
    const p = l.init(rng(0));
    const X = ones([2, 4]);
    expect(() => l.forward(bad(null), X)).toThrow(new TypeError("dense.forward: argument 'params' must be a record { W, b } from init"));
    expect(() => l.forward(bad({ W: p.W }), X)).toThrow("dense.forward: argument 'params' must be a record { W, b } from init");
    expect(() => l.forward(bad({ b: p.b }), X)).toThrow("dense.forward: argument 'params' must be a record { W, b } from init");
    expect(() => l.apply(bad(3), X)).toThrow("dense.apply: argument 'params' must be a record { W, b } from init");
    expect(() => l.apply(p, bad(ones([3, 4])))).toThrow("dense.apply: A_prev has shape [3, 4], expected [2, m]");
    expect(() => dense(2, 3, { activation: "relu" }).apply(p, bad("X"))).toThrow("dense.apply: argument 'A_prev' must be a Tensor");
    expect(() => l.forward(p, bad([[1, 2]]))).toThrow(new TypeError("dense.forward: argument 'A_prev' must be a Tensor"));
    expect(() => l.forward(p, bad(ones([2])))).toThrow("dense.forward: A_prev has shape [2], expected [2, m] (a 2 → 3 layer, columns are examples)");
    expect(() => dense(2, 3, { layout: "rows" }).forward(dense(2, 3, { layout: "rows" }).init(rng(0)), bad(ones([2, 4])))).toThrow(
      "dense.forward: A_prev has shape [2, 4], expected [m, 2] (a 2 → 3 layer, rows are examples)",
    );
    const d = dense(2, 3, { dropout: 0.5 });
    expect(() => d.forward(d.init(rng(0)), X, { training: true })).toThrow(new TypeError("dense.forward: dropout in training needs a generator, pass { training: true, rng }"));
    const [A, cache] = l.forward(p, X);
    expect(() => l.backward(p, bad(ones([3, 5])), cache)).toThrow(
      "dense.backward: dA has shape [3, 5], expected [3, 4] (the output of this 2 → 3 layer in the cache from forward, columns are examples)",
    );
    expect(() => l.backward(p, bad(ones([3, 4, 1])), cache)).toThrow("dense.backward: dA has shape [3, 4, 1], expected [3, 4]");
    expect(l.backward(p, A, cache).dA_prev.shape).toEqual([2, 4]);
  });
});

describe("more edges of the layers", () => {
  it("dense: params that are a function, backward's own name, a dA of lower rank", () => {
    const l = dense(2, 3);
    const p = l.init(rng(0));
    const X = ones([2, 4]);
    expect(() => l.forward(bad(Object.assign(() => 0, { W: p.W, b: p.b })), X)).toThrow(new TypeError("dense.forward: argument 'params' must be a record { W, b } from init"));
    const [A, cache] = l.forward(p, X);
    expect(() => l.backward(bad(null), A, cache)).toThrow(new TypeError("dense.backward: argument 'params' must be a record { W, b } from init"));
    expect(() => l.backward(p, bad(ones([3])), cache)).toThrow("dense.backward: dA has shape [3], expected [3, 4]");
  });
  it("dense: apply's fused path gives forward's values, bit for bit", () => {
    for (const activation of ["relu", "sigmoid", "tanh", "linear"] as const) {
      for (const dtype of ["float32", "float64"] as const) {
        const l = dense(3, 2, { activation });
        const p = l.init(rng(1), { dtype });
        const X = tensor(
          [
            [0.5, -1.25, 2],
            [-0.75, 1.5, 0.1],
            [3, -2, 0.3],
          ],
          { dtype },
        );
        expect(toArray(l.apply(p, X))).toEqual(toArray(l.forward(p, X)[0]));
      }
    }
  });
  it("gradsAsParams keeps the d-prefixed gradients only", () => {
    const W = ones([1]);
    expect(gradsAsParams({ dW: W, dA_prev: ones([2]), extra: ones([3]) })).toEqual({ W });
  });
  it("rrelu draws its training slopes in the input's dtype", () => {
    const z = tensor([-1, -2, -3, 4], { dtype: "float64" });
    const slopes = toArray(uniform(rng(7), [4], 0.25, 0.5, { dtype: "float64" })) as number[];
    const A = toArray(rrelu(z, { training: true, rng: rng(7) }, [0.25, 0.5])) as number[];
    expect(A).toEqual([-1 * (slopes[0] as number), -2 * (slopes[1] as number), -3 * (slopes[2] as number), 4]);
  });
  it("mlp.backward and logLossFromLogits name themselves", () => {
    const net = mlp([2, 1]);
    const p = net.init(rng(0));
    const [A, caches] = net.forward(p, ones([2, 3]));
    expect(() => net.backward(bad(null), A, caches)).toThrow(new TypeError("mlp.backward: argument 'params' must be the record from init"));
    expect(() => logLossFromLogits(bad("z"), ones([1, 2]))).toThrow(new TypeError("logLossFromLogits: the first argument (predictions) must be a Tensor"));
    expect(architectureLayers(mlp([2, 3, 1], { init: "he" }).architecture).map((l) => l.init)).toEqual(["he", "he"]);
    expect(architectureLayers(mlp([2, 3, 1]).architecture).map((l) => "init" in l)).toEqual([false, false]);
  });
  it("conv2dLayer: a trailing axis, params or a cache that are functions, groups that are not positive integers", () => {
    const c = conv2dLayer([6, 6, 1], 2, 3);
    const p = c.init(rng(0));
    expect(() => c.apply(p, bad(zeros([2, 6, 6, 1, 1])))).toThrow("conv2dLayer.apply: A_prev has shape [2, 6, 6, 1, 1], expected [m, 6, 6, 1] (rows are examples)");
    expect(() => c.apply(bad(Object.assign(() => 0, { W: p.W, b: p.b })), zeros([1, 6, 6, 1]))).toThrow("conv2dLayer.apply: argument 'params' must be a record { W, b } from init");
    const [A, cache] = c.forward(p, zeros([1, 6, 6, 1]));
    expect(() => c.backward(p, A, bad(Object.assign(() => 0, { A, pullback: cache.pullback })))).toThrow("conv2dLayer.backward: argument 'cache' must be the cache from forward");
    expect(() => conv2dLayer([4, 4, 2], 2, 1, { groups: -1 })).toThrow("conv2dLayer: option 'groups' must divide the 2 input channels and the 2 filters, got -1");
    expect(() => conv2dLayer([4, 4, 3], 3, 1, { groups: 1.5 })).toThrow("conv2dLayer: option 'groups' must divide the 3 input channels and the 3 filters, got 1.5");
  });
});

describe("dropout", () => {
  it("the tensor, the rate and the generator", () => {
    expect(() => dropout(bad([1]), 0.5)).toThrow(new TypeError("dropout: argument 'A' must be a Tensor"));
    expect(() => dropout(ones([2]), 1)).toThrow(new RangeError("dropout: argument 'rate' must be in [0, 1), got 1"));
    expect(() => dropout(ones([2]), -0.5)).toThrow("dropout: argument 'rate' must be in [0, 1), got -0.5");
    expect(() => dropout(ones([2]), 0.5, { training: true })).toThrow(new TypeError("dropout: training needs a generator, pass { training: true, rng }"));
    const A = ones([2]);
    expect(dropout(A, 0, { training: true })).toBe(A); // rate 0 needs no generator
    expect(dropout(A, 0.5)).toBe(A);
  });
});

describe("losses", () => {
  it("tensors, one shape, a layout and eps", () => {
    const A = fill([1, 2], 0.5);
    expect(() => mse(bad([0.5]), A)).toThrow(new TypeError("mse: the first argument (predictions) must be a Tensor"));
    expect(() => logLoss(A, bad(1))).toThrow(new TypeError("logLoss: argument 'Y' must be a Tensor"));
    expect(() => mse(tensor(1), tensor(1))).toThrow("mse: expected at least one axis of examples, got a scalar");
    expect(() => mse(A, bad(ones([1, 2, 1])))).toThrow("mse: predictions [1, 2] and targets [1, 2, 1] must have one shape");
    expect(() => crossEntropy(A, A, { layout: bad("cols") })).toThrow(new TypeError('crossEntropy: option \'layout\' must be "columns" or "rows", got "cols"'));
    expect(() => logLoss(A, A, { eps: 0 })).toThrow(new RangeError("logLoss: option 'eps' must be in (0, 0.5), got 0"));
    expect(() => crossEntropy(A, A, { eps: 0.5 })).toThrow(new RangeError("crossEntropy: option 'eps' must be in (0, 0.5), got 0.5"));
    expect(() => softmaxCrossEntropy(bad("z"), A)).toThrow("softmaxCrossEntropy: the first argument (predictions) must be a Tensor");
  });
  it("eps clips, and the layout picks the example axis", () => {
    const Y = tensor([[1, 0]]);
    // a = 0 and a = 1 are clipped to eps and 1 − eps: −(1/2)(log eps + log eps)
    expect(toArray(logLoss(tensor([[0, 1]]), tensor([[1, 0]]), { eps: 0.25 }))).toBeCloseTo(-Math.log(0.25), 6);
    expect(toArray(crossEntropy(tensor([[0], [1]]), tensor([[1], [0]]), { eps: 0.25 }))).toBeCloseTo(-Math.log(0.25), 6);
    // (1/m) Σ (a − y)²: columns are 2 examples of 1 unit, rows 1 example of 2 units
    expect(toArray(mse(tensor([[3, 0]]), Y))).toBe(2);
    expect(toArray(mse(tensor([[3, 0]]), Y, { layout: "rows" }))).toBe(4);
  });
});

describe("initializer and batchNormState", () => {
  it("names what is accepted", () => {
    expect(() => initializer("conv2dLayer", bad("glorot"))).toThrow(/^conv2dLayer: option 'init' must be one of zeros, [a-zA-Z, ]+ or a function, got "glorot"$/);
    expect(initializer("dense", initializers.he)).toBe(initializers.he); // a function is used as is
    expect(() => batchNormState(0)).toThrow(new TypeError("batchNormState: argument 'channels' must be an integer ≥ 1, got 0"));
    expect(() => batchNormState(1.5)).toThrow("batchNormState: argument 'channels' must be an integer ≥ 1, got 1.5");
    expect(toArray(batchNormState(1).variance)).toEqual([1]);
  });
  it("a name that Object.prototype has is not an initialiser", () => {
    // before: "constructor" made W the generator itself, "toString" the string "[object Undefined]"
    for (const name of ["constructor", "toString", "__proto__", "hasOwnProperty"])
      expect(() => dense(2, 3, { init: bad(name) })).toThrow(
        new TypeError(`dense: option 'init' must be one of zeros, small, xavierUniform, xavierNormal, he, heUniform or a function, got ${JSON.stringify(name)}`),
      );
    expect(() => mlp([2, 3], { init: bad("constructor") })).toThrow(/^dense: option 'init' must be one of/);
  });
  it("the initialisers check their fans (NaN or negative fans had drawn NaN weights)", () => {
    for (const name of ["xavierUniform", "xavierNormal", "he", "heUniform"] as const) {
      const init = initializers[name];
      for (const fanIn of [Number.NaN, -1, 1.5, "3"])
        expect(() => init(rng(0), [3, 2], bad({ fanIn, fanOut: 3 }))).toThrow(
          new RangeError(`${name}: argument 'fans' must be { fanIn, fanOut } (integers ≥ 1), got fanIn = ${String(fanIn)}, fanOut = 3`),
        );
      expect(() => init(rng(0), [3, 2], bad({ fanIn: 2, fanOut: 0 }))).toThrow(`${name}: argument 'fans' must be { fanIn, fanOut } (integers ≥ 1), got fanIn = 2, fanOut = 0`);
      expect(() => init(rng(0), [3, 2], bad(undefined))).toThrow(`${name}: argument 'fans' must be { fanIn, fanOut } (integers ≥ 1), got undefined`);
      expect(() => init(rng(0), [3, 2], bad(null))).toThrow(new RangeError(`${name}: argument 'fans' must be { fanIn, fanOut } (integers ≥ 1), got null`));
      // a tensor with no elements draws nothing: any fans do (the uniform ones' range stays finite)
      expect(init(rng(0), [0, 4], bad({ fanIn: 0, fanOut: Number.NaN })).shape).toEqual([0, 4]);
      expect((toArray(init(rng(0), [3, 2], { fanIn: 2, fanOut: 3 })) as number[][]).flat().every(Number.isFinite)).toBe(true);
    }
    // a layer with no elements needs no fans
    expect(initializers.he(rng(0), [3, 0], { fanIn: 0, fanOut: 3 }).shape).toEqual([3, 0]);
  });
});

describe("image layers", () => {
  it("conv2dLayer's arguments and options", () => {
    expect(() => conv2dLayer(bad([28, 28]), 4, bad(3))).toThrow(new TypeError("conv2dLayer: argument 'inShape' must be [height, width, channels] (integers ≥ 1), got [28,28]"));
    expect(() => conv2dLayer(bad([28, 0, 1]), 4, bad(3))).toThrow("conv2dLayer: argument 'inShape' must be [height, width, channels] (integers ≥ 1), got [28,0,1]");
    expect(() => conv2dLayer(bad("28"), 4, bad(3))).toThrow('got "28"');
    expect(() => conv2dLayer([8, 8, 1], 0, 3)).toThrow(new TypeError("conv2dLayer: argument 'filters' must be an integer ≥ 1, got 0"));
    expect(() => conv2dLayer([8, 8, 1], 2.5, bad(3))).toThrow("conv2dLayer: argument 'filters' must be an integer ≥ 1, got 2.5");
    expect(() => conv2dLayer([8, 8, 1], 4, bad(0))).toThrow(new TypeError("conv2dLayer: argument 'kernel' must be an integer ≥ 1 or a pair of them, got 0"));
    expect(() => conv2dLayer([8, 8, 1], 4, bad([3, 3, 3]))).toThrow("conv2dLayer: argument 'kernel' must be an integer ≥ 1 or a pair of them, got [3,3,3]");
    expect(() => conv2dLayer([8, 8, 1], 4, bad([3, 1.5]))).toThrow("got [3,1.5]");
    expect(() => conv2dLayer([8, 8, 4], 6, 3, { groups: 4 })).toThrow(new TypeError("conv2dLayer: option 'groups' must divide the 4 input channels and the 6 filters, got 4"));
    expect(() => conv2dLayer([8, 8, 3], 6, bad(3), { groups: 2 })).toThrow("conv2dLayer: option 'groups' must divide the 3 input channels and the 6 filters, got 2");
    expect(() => conv2dLayer([8, 8, 4], 4, 3, { groups: 0 })).toThrow("got 0");
    expect(conv2dLayer([8, 8, 4], 6, 3, { groups: 2 }).nOut).toEqual([6, 6, 6]);
    expect(() => conv2dLayer([8, 8, 1], 4, 3, { activation: "prelu" as never })).toThrow(
      new TypeError("conv2dLayer: option 'activation' must be one of linear, sigmoid, tanh, relu, leakyRelu, rrelu, elu, softmax, got \"prelu\""),
    );
    expect(() => conv2dLayer([8, 8, 1], 4, 3, { activation: bad("swish") })).toThrow('got "swish"');
    expect(() => conv2dLayer([8, 8, 1], 4, 3, { dropout: 1 })).toThrow(new RangeError("conv2dLayer: option 'dropout' must be in [0, 1), got 1"));
    expect(() => conv2dLayer([8, 8, 1], 4, 3, { dropout: -0.25 })).toThrow("got -0.25");
  });
  it("params, inputs, caches and dA, for apply, forward and backward", () => {
    const c = conv2dLayer([6, 6, 1], 2, 3);
    const p = c.init(rng(0));
    const X = zeros([2, 6, 6, 1]);
    expect(() => c.apply(bad(null), X)).toThrow(new TypeError("conv2dLayer.apply: argument 'params' must be a record { W, b } from init"));
    expect(() => c.forward(bad({ W: p.W }), X)).toThrow(new TypeError("conv2dLayer.forward: argument 'params' must be a record { W, b } from init"));
    expect(() => c.apply(p, bad([0]))).toThrow(new TypeError("conv2dLayer.apply: argument 'A_prev' must be a Tensor"));
    expect(() => c.apply(p, bad(zeros([2, 6, 6, 2])))).toThrow("conv2dLayer.apply: A_prev has shape [2, 6, 6, 2], expected [m, 6, 6, 1] (rows are examples)");
    expect(() => c.forward(p, bad(zeros([6, 6, 1])))).toThrow("conv2dLayer.forward: A_prev has shape [6, 6, 1], expected [m, 6, 6, 1] (rows are examples)");
    const [A, cache] = c.forward(p, X);
    expect(() => c.backward(bad({}), A, cache)).toThrow("conv2dLayer.backward: argument 'params' must be a record { W, b } from init");
    expect(() => c.backward(p, A, bad(null))).toThrow(new TypeError("conv2dLayer.backward: argument 'cache' must be the cache from forward"));
    expect(() => c.backward(p, A, bad({ A }))).toThrow("conv2dLayer.backward: argument 'cache' must be the cache from forward");
    expect(() => c.backward(p, bad(zeros([2, 4, 4, 3])), cache)).toThrow(
      "conv2dLayer.backward: dA has shape [2, 4, 4, 3], expected [2, 4, 4, 2] (the output of this [6, 6, 1] → [4, 4, 2] layer in the cache from forward, rows are examples)",
    );
    expect(() => c.backward(p, bad(zeros([2, 4, 4])), cache)).toThrow("conv2dLayer.backward: dA has shape [2, 4, 4], expected [2, 4, 4, 2]");
    expect(() => c.backward(p, bad(3), cache)).toThrow(new TypeError("conv2dLayer.backward: argument 'dA' must be a Tensor, got 3"));
    const g = c.backward(p, A, cache);
    expect(Object.keys(g).sort()).toEqual(["dA_prev", "dW", "db"]);
    expect(() => maxPool2dLayer(bad([4, 4]), bad(2))).toThrow("maxPool2dLayer: argument 'inShape' must be [height, width, channels] (integers ≥ 1), got [4,4]");
    // the window size: before, 0, −1, 1.5, NaN, "2" or [2, 0] made a layer whose nOut held NaN or negative sizes
    for (const size of [0, -1, 1.5, Number.NaN, "2", [2, 0], [2], [2, 2, 2]]) {
      expect(() => maxPool2dLayer([4, 4, 1], bad(size))).toThrow(new TypeError(`maxPool2dLayer: argument 'size' must be an integer ≥ 1 or a pair of them, got ${JSON.stringify(size)}`));
      expect(() => avgPool2dLayer([4, 4, 1], bad(size))).toThrow(`avgPool2dLayer: argument 'size' must be an integer ≥ 1 or a pair of them`);
    }
    expect(maxPool2dLayer([4, 4, 1], [2, 1]).nOut).toEqual([2, 4, 1]);
    // padding as large as the window (a window of padding only): before, a layer whose first apply failed in the op
    expect(() => maxPool2dLayer([8, 8, 1], 2, { padding: 5 })).toThrow(new RangeError("maxPool2dLayer: explicit padding must be smaller than the window (2×2), got 5"));
    expect(() => avgPool2dLayer([8, 8, 1], [3, 2], { padding: [1, 2] })).toThrow("avgPool2dLayer: explicit padding must be smaller than the window (3×2), got [1,2]");
    // as large as the window on one axis only (top, then left), and one less
    expect(() => maxPool2dLayer([8, 8, 1], 2, { padding: [2, 0] })).toThrow(new RangeError("maxPool2dLayer: explicit padding must be smaller than the window (2×2), got [2,0]"));
    expect(() => avgPool2dLayer([8, 8, 1], [3, 2], { padding: [0, 2] })).toThrow(new RangeError("avgPool2dLayer: explicit padding must be smaller than the window (3×2), got [0,2]"));
    expect(maxPool2dLayer([8, 8, 1], [3, 2], { padding: [2, 1] }).nOut).toEqual([4, 5, 1]);
    expect(maxPool2dLayer([8, 8, 1], 2, { padding: 1 }).nOut).toEqual([5, 5, 1]);
  });
  it("batchNormLayer, flattenLayer and reshapeLayer shapes", () => {
    expect(() => batchNormLayer(bad([]))).toThrow(new TypeError("batchNormLayer: argument 'inShape' must be a non-empty array of sizes, got []"));
    expect(() => batchNormLayer(bad([4, 0]))).toThrow("batchNormLayer: argument 'inShape' must be a non-empty array of sizes, got [4,0]");
    expect(() => batchNormLayer(bad(4))).toThrow("got 4");
    // checked when the layer is made (before: at the first apply, as batchNorm's; "0.5" passed)
    for (const momentum of [2, -0.1, Number.NaN, "0.5"])
      expect(() => batchNormLayer([4], { momentum: bad(momentum) })).toThrow(
        new RangeError(`batchNormLayer: option 'momentum' must be a number in [0, 1], got ${typeof momentum === "string" ? `"${momentum}"` : momentum}`),
      );
    for (const epsilon of [0, -1, Number.NaN, Number.POSITIVE_INFINITY])
      expect(() => batchNormLayer([4], { epsilon })).toThrow(new RangeError(`batchNormLayer: option 'epsilon' must be a finite number > 0, got ${epsilon}`));
    // a string is no epsilon, even one that reads as a number
    expect(() => batchNormLayer([4], { epsilon: bad("0.001") })).toThrow(new RangeError("batchNormLayer: option 'epsilon' must be a finite number > 0, got 0.001"));
    expect(batchNormLayer([4], { momentum: 0, epsilon: 1e-9 }).nOut).toEqual([4]);
    // momentum 1 is in range: the running statistics keep their old values
    const frozen = batchNormLayer([2], { momentum: 1 });
    const [, fc] = frozen.forward(
      frozen.init(rng(0)),
      tensor([
        [1, 2],
        [3, 5],
      ]),
      { training: true },
    );
    expect([toArray(fc.state?.mean as Tensor), toArray(fc.state?.variance as Tensor)]).toEqual([
      [0, 0],
      [1, 1],
    ]);
    expect(batchNormLayer([3]).nOut).toEqual([3]);
    expect(() => flattenLayer(bad([2, 0]))).toThrow(new TypeError("flattenLayer: the shape must be a non-empty array of sizes, got [2,0]"));
    expect(() => reshapeLayer(bad([]))).toThrow("reshapeLayer: the shape must be a non-empty array of sizes, got []");
    expect(() => reshapeLayer(bad([2.5, 2]))).toThrow("reshapeLayer: the shape must be a non-empty array of sizes, got [2.5,2]");
    expect(flattenLayer([1]).nOut).toBe(1);
    const f = flattenLayer([2, 3]);
    expect(() => f.apply({}, bad(zeros([4, 3, 2])))).toThrow("flattenLayer.apply: A_prev has shape [4, 3, 2], expected [m, 2, 3] (rows are examples)");
  });
});

describe("mlp and sequential", () => {
  it("mlp's sizes and params", () => {
    expect(() => mlp(bad([4]))).toThrow(new TypeError("mlp: argument 'sizes' must list at least an input and an output size, got [4]"));
    expect(() => mlp(bad("4,2"))).toThrow("mlp: argument 'sizes' must list at least an input and an output size, got \"4,2\"");
    // named as mlp's options (before: "dense: option 'activation' …", an option the caller never wrote)
    expect(() => mlp([2, 3, 1], { hidden: bad("rellu") })).toThrow(
      new TypeError('mlp: option \'hidden\' must be "linear", "sigmoid", "tanh", "relu", "leakyRelu", "prelu", "rrelu", "elu" or "softmax", got "rellu"'),
    );
    expect(() => mlp([2, 3, 1], { output: bad("softmx") })).toThrow(/^mlp: option 'output' must be "linear", .* got "softmx"$/);
    const net = mlp([2, 3, 1]);
    const p = net.init(rng(0));
    const X = ones([2, 4]);
    expect(() => net.apply(bad(null), X)).toThrow(new TypeError("mlp.apply: argument 'params' must be the record from init"));
    expect(() => net.apply(bad(7), X)).toThrow("mlp.apply: argument 'params' must be the record from init");
    expect(() => net.apply(bad({ W1: p.W1, b1: p.b1, W2: p.W2 }), X)).toThrow(new TypeError("mlp.apply: argument 'params' has no W2 or b2"));
    expect(() => net.forward(bad({ b1: p.b1, W2: p.W2, b2: p.b2 }), X)).toThrow("mlp.forward: argument 'params' has no W1 or b1");
    expect(net.apply(p, X).shape).toEqual([1, 4]);
  });
  it("sequential's layers, params and caches", () => {
    expect(() => sequential(bad([]))).toThrow(new TypeError("sequential: argument 'layers' must be a non-empty array of layers"));
    expect(() => sequential(bad("dense"))).toThrow("sequential: argument 'layers' must be a non-empty array of layers");
    expect(() => sequential(bad([dense(2, 3), null]))).toThrow(new TypeError("sequential: layer 1 is not a layer"));
    expect(() => sequential(bad([{ forward: () => 0 }]))).toThrow("sequential: layer 0 is not a layer");
    expect(() => sequential(bad([dense(2, 3), { apply: () => 0 }]))).toThrow("sequential: layer 1 is not a layer");
    expect(() => sequential(bad([dense(2, 3), dense(3, 1, { layout: "rows" })]))).toThrow(new TypeError("sequential: layer 1 has layout 'rows' but layer 0 has 'columns'"));
    const net = sequential([dense(2, 3), dense(3, 1)]);
    const p = net.init(rng(0));
    const X = ones([2, 4]);
    expect(() => net.apply(bad([p[0]]), X)).toThrow(new TypeError("sequential.apply: argument 'params' must be an array of 2 layer records (from init)"));
    expect(() => net.forward(bad({}), X)).toThrow("sequential.forward: argument 'params' must be an array of 2 layer records (from init)");
    const [A, caches] = net.forward(p, X);
    expect(() => net.backward(bad([p[0]]), A, caches)).toThrow("sequential.backward: argument 'params' must be an array of 2 layer records (from init)");
    expect(() => net.backward(p, A, bad([caches[0]]))).toThrow(new TypeError("sequential.backward: argument 'caches' must be the 2 caches from forward"));
    expect(() => net.backward(p, A, bad("caches"))).toThrow("sequential.backward: argument 'caches' must be the 2 caches from forward");
    expect(() => net.updateState(bad([p[0]]), caches)).toThrow("sequential.updateState: argument 'params' must be an array of 2 layer records (from init)");
    expect(() => net.updateState(p, bad([]))).toThrow(new TypeError("sequential.updateState: argument 'caches' must be the 2 caches from forward"));
    expect(() => net.updateState(p, bad(null))).toThrow("sequential.updateState: argument 'caches' must be the 2 caches from forward");
    expect(() => net.updateState(p, bad([caches[0], undefined]))).toThrow(new TypeError("sequential.updateState: argument 'caches' must be the 2 caches from forward"));
    expect(() => net.updateState(p, bad([null, caches[1]]))).toThrow("sequential.updateState: argument 'caches' must be the 2 caches from forward");
    expect(() => net.updateState(p, bad([caches[0], 7]))).toThrow("sequential.updateState: argument 'caches' must be the 2 caches from forward");
    expect(net.updateState(p, caches)).toEqual(p);
    // a function carrying forward and apply is still not a layer
    expect(() => sequential(bad([Object.assign(() => 0, { forward: () => 0, apply: () => 0 })]))).toThrow(new TypeError("sequential: layer 0 is not a layer"));
    // the whole message, so that nothing trails the previous layer's size
    expect(() => sequential(bad([dense(2, 4), dense(5, 1)]))).toThrow(new TypeError("sequential: layer 1 takes 5 inputs but layer 0 gives 4"));
  });
});

describe("recurrent layers", () => {
  it("sizes, options and the cell's step", () => {
    expect(() => rnnCell(0, 2)).toThrow(new TypeError("rnnCell: argument 'nIn' must be an integer ≥ 1, got 0"));
    expect(() => gruCell(2, 1.5)).toThrow(new TypeError("gruCell: argument 'nHidden' must be an integer ≥ 1, got 1.5"));
    expect(() => lstmCell(bad("2"), 2)).toThrow("lstmCell: argument 'nIn' must be an integer ≥ 1, got 2");
    expect(() => lstmCell(2, 2).initialState(0)).toThrow(new TypeError("lstmCell.initialState: argument 'm' must be an integer ≥ 1, got 0"));
    expect(() => rnn(2, 3, { reverse: bad("yes") })).toThrow(new TypeError("rnn: option 'reverse' must be a boolean, got \"yes\""));
    expect(() => gru(2, 3, { returns: bad("all") })).toThrow(new TypeError('gru: option \'returns\' must be "last" or "sequence", got "all"'));
    const cell = gruCell(2, 3);
    const p = cell.init(rng(0));
    const h = cell.initialState(4);
    expect(() => cell.step(bad(null), h, ones([4, 2]))).toThrow(new TypeError("gruCell.step: argument 'params' must be the record from init (W, U, b, bh)"));
    expect(() => cell.step(bad({ W: p.W, U: p.U, b: p.b }), h, ones([4, 2]))).toThrow(new TypeError("gruCell.step: argument 'params' has no tensor 'bh' (a gru cell has W, U, b, bh)"));
    expect(() => cell.step(bad({ ...p, U: zeros([3, 8]) }), h, ones([4, 2]))).toThrow("gruCell.step: params.U has shape [3, 8], expected [3, 9] (a gru cell of 2 features and 3 units)");
    expect(() => cell.step(bad({ ...p, W: zeros([3, 9]) }), h, ones([4, 2]))).toThrow("gruCell.step: params.W has shape [3, 9], expected [2, 9]");
    expect(() => cell.step(bad({ ...p, b: zeros([9]) }), h, ones([4, 2]))).toThrow("gruCell.step: params.b has shape [9], expected [1, 9]");
    expect(() => cell.step(p, h, bad(ones([4, 3])))).toThrow("gruCell.step: x has shape [4, 3], expected [m, 2]");
    expect(() => cell.step(p, h, bad(ones([2])))).toThrow("gruCell.step: x has shape [2], expected [m, 2]");
    expect(() => cell.step(p, h, bad("x"))).toThrow("gruCell.step: x has shape string, expected [m, 2]");
    expect(() => cell.step(p, bad([h]), ones([4, 2]))).toThrow(new TypeError("gruCell.step: the state's 'h' must be a Tensor"));
    expect(() => cell.step(p, bad(zeros([4, 2])), ones([4, 2]))).toThrow("gruCell.step: the state's h has shape [4, 2], expected [4, 3] (4 examples, 3 units)");
    expect(() => cell.step(p, bad(zeros([3, 3])), ones([4, 2]))).toThrow("gruCell.step: the state's h has shape [3, 3], expected [4, 3]");
    expect(() => cell.step(p, bad(zeros([4, 3, 1])), ones([4, 2]))).toThrow("gruCell.step: the state's h has shape [4, 3, 1], expected [4, 3]");
    const lc = lstmCell(2, 3);
    const lp = lc.init(rng(0));
    expect(() => lc.step(lp, bad(zeros([4, 3])), ones([4, 2]))).toThrow(new TypeError("lstmCell.step: an lstm's state must be a record { h, c }"));
    expect(() => lc.step(lp, bad(null), ones([4, 2]))).toThrow("lstmCell.step: an lstm's state must be a record { h, c }");
    expect(() => lc.step(lp, bad({ h: zeros([4, 3]) }), ones([4, 2]))).toThrow(new TypeError("lstmCell.step: the state's 'c' must be a Tensor"));
    expect(() => lc.step(bad(5), lc.initialState(4), ones([4, 2]))).toThrow("lstmCell.step: argument 'params' must be the record from init (W, U, b)");
    expect(() => lc.step(lp, bad("hc"), ones([4, 2]))).toThrow(new TypeError("lstmCell.step: an lstm's state must be a record { h, c }"));
    expect(() => lc.step(lp, bad({ c: zeros([4, 3]) }), ones([4, 2]))).toThrow(new TypeError("lstmCell.step: the state's 'h' must be a Tensor"));
    expect(() => cell.step(bad({ ...p, W: zeros([2, 9, 1]) }), h, ones([4, 2]))).toThrow("gruCell.step: params.W has shape [2, 9, 1], expected [2, 9]");
    expect(() => cell.step(p, h, bad(ones([4, 2, 1])))).toThrow("gruCell.step: x has shape [4, 2, 1], expected [m, 2]");
    // only a gru has the second bias
    expect(Object.keys(rnnCell(2, 3).init(rng(0)))).toEqual(["W", "U", "b"]);
    expect(Object.keys(lc.init(rng(0)))).toEqual(["W", "U", "b"]);
    expect(Object.keys(p)).toEqual(["W", "U", "b", "bh"]);
  });
  it("apply's X, bidirectional's and recurrentNet's params and arguments", () => {
    const l = rnn(2, 3);
    const p = l.init(rng(0));
    expect(() => l.apply(p, bad([[1, 2]]))).toThrow(new TypeError("rnn.apply: argument 'X' must be a Tensor [T, m, 2]"));
    expect(() => l.apply(p, bad(zeros([5, 2])))).toThrow("rnn.apply: X has shape [5, 2], expected time-major [T, m, 2] (steps, examples, 2 features)");
    expect(() => l.apply(p, zeros([5, 2, 2]), { mask: bad([1]) })).toThrow("rnn.apply: option 'mask' must be [5, 2] (steps, examples) of 0/1, got object");
    expect(() => l.apply(p, zeros([5, 2, 2]), { mask: bad(ones([4, 2])) })).toThrow(new ShapeError("rnn.apply", "option 'mask' must be [5, 2] (steps, examples) of 0/1, got [4, 2]"));
    expect(() => l.apply(p, zeros([5, 2, 2]), { mask: bad(ones([5, 2, 1])) })).toThrow("rnn.apply: option 'mask' must be [5, 2] (steps, examples) of 0/1, got [5, 2, 1]");
    expect(() => l.apply(p, zeros([5, 2, 2]), { mask: bad(ones([5, 3])) })).toThrow("got [5, 3]");
    expect(() => l.apply(p, bad(zeros([5, 2, 2, 2])))).toThrow("rnn.apply: X has shape [5, 2, 2, 2], expected time-major [T, m, 2] (steps, examples, 2 features)");
    for (const notLayer of [null, "lstm", dense(2, 3), Object.assign(() => 0, { kind: "lstm" })]) {
      expect(() => bidirectional(bad(notLayer))).toThrow(new TypeError("bidirectional: argument 'layer' must be an rnn, gru or lstm layer"));
    }
    expect(bidirectional(gru(2, 3)).nOut).toBe(6);
    const b = bidirectional(lstm(2, 3));
    expect(() => b.apply(bad(null), zeros([4, 1, 2]))).toThrow(new TypeError("bidirectional.apply: argument 'params' must be the record { forward, backward } from init"));
    expect(() => b.apply(bad({ forward: b.init(rng(0)).forward }), zeros([4, 1, 2]))).toThrow("bidirectional.apply: argument 'params' must be the record { forward, backward } from init");
    expect(() => recurrentNet(bad(dense(2, 3)), bad(dense(3, 1, { layout: "rows" })))).toThrow(new TypeError("recurrentNet: argument 'body' must be a recurrent layer"));
    expect(() => recurrentNet(bad(null), bad(dense(3, 1, { layout: "rows" })))).toThrow("recurrentNet: argument 'body' must be a recurrent layer");
    expect(() => recurrentNet(bad(rnn(2, 3, { returns: "sequence" })), bad(dense(3, 1, { layout: "rows" })))).toThrow(
      new TypeError('recurrentNet: argument \'body\' must return its last state (returns: "last"), got returns: "sequence"'),
    );
    expect(() => recurrentNet(rnn(2, 3), bad(rnn(3, 1)))).toThrow(new TypeError("recurrentNet: argument 'head' must be a dense layer"));
    expect(() => recurrentNet(rnn(2, 3), bad(null))).toThrow(new TypeError("recurrentNet: argument 'head' must be a dense layer"));
    const head = dense(3, 1, { layout: "rows" });
    expect(() => recurrentNet(rnn(2, 3), bad(Object.assign(() => 0, { kind: "dense", layout: "rows", nIn: 3 })))).toThrow("recurrentNet: argument 'head' must be a dense layer");
    // a body must be a recurrent layer object with apply, not something that looks like one
    const { apply: _apply, ...withoutApply } = rnn(2, 3);
    expect(() => recurrentNet(bad(withoutApply), bad(head))).toThrow(new TypeError("recurrentNet: argument 'body' must be a recurrent layer"));
    expect(() => recurrentNet(bad(Object.assign(() => 0, { kind: "rnn", returns: "last", nOut: 3 })), bad(head))).toThrow("recurrentNet: argument 'body' must be a recurrent layer");
    expect(recurrentNet(gru(2, 3), head).nOut).toBe(1);
    expect(recurrentNet(lstm(2, 3), head).nOut).toBe(1);
    expect(recurrentNet(bidirectional(rnn(2, 3)), bad(dense(6, 1, { layout: "rows" }))).nOut).toBe(1);
    const net = recurrentNet(rnn(2, 3), dense(3, 1, { layout: "rows" }));
    expect(() => net.apply(bad(null), zeros([4, 1, 2]))).toThrow(new TypeError("recurrentNet.apply: argument 'params' must be the record { body, head } from init"));
    expect(() => net.apply(bad("p"), zeros([4, 1, 2]))).toThrow("recurrentNet.apply: argument 'params' must be the record { body, head } from init");
    expect(net.apply(net.init(rng(0)), zeros([4, 1, 2])).shape).toEqual([1, 1]);
  });
});

describe("architectures", () => {
  it("architectureLayers refuses image layers; paramLayout's build needs every name", () => {
    const cnn = sequential([conv2dLayer([4, 4, 1], 2, 3), flattenLayer([2, 2, 2]), dense(8, 1, { layout: "rows" })]);
    expect(() => architectureLayers(cnn.architecture)).toThrow(new TypeError("architectureLayers: the model has a 'conv2d' layer; only dense networks are lists of dense layers"));
    const layout = paramLayout(mlp([2, 1]).architecture);
    const W1: Tensor = zeros([1, 2]);
    expect(() => layout.build({ W1 })).toThrow(new TypeError("paramLayout: no tensor named 'b1'"));
    expect(Object.keys(layout.build({ W1, b1: zeros([1, 1]) }) as object)).toEqual(["W1", "b1"]);
  });
});

describe("a layer's backward names the layer and what it expected", () => {
  it("dense: dA or a cache that is not one, params of another layer", () => {
    const l = dense(4, 3);
    const p = l.init(rng(0));
    const [A, cache] = l.forward(p, ones([4, 2]));
    expect(() => l.backward(p, bad([1, 2]), cache)).toThrow(new TypeError("dense.backward: argument 'dA' must be a Tensor, got an array of 2"));
    expect(() => l.backward(p, A, bad(null))).toThrow(new TypeError("dense.backward: argument 'cache' must be the cache from forward ({ A_prev, Z, A }), got null"));
    expect(() => l.backward(p, A, bad(undefined))).toThrow(new TypeError("dense.backward: argument 'cache' must be the cache from forward ({ A_prev, Z, A }), got undefined"));
    expect(() => l.backward(p, A, bad({ A_prev: ones([4, 2]) }))).toThrow(new TypeError("dense.backward: argument 'cache' must be the cache from forward ({ A_prev, Z, A }), got an object"));
    // W wrong in one size only, or of another rank with the right sizes first
    for (const W of [zeros([2, 4]), zeros([3, 2]), zeros([3, 4, 1])])
      expect(() => l.apply(bad({ W, b: p.b }), ones([4, 2]))).toThrow(
        new ShapeError("dense.apply", `argument 'params': W has shape [${W.shape.join(", ")}], expected [3, 4] (a 4 → 3 layer, columns are examples)`),
      );
    expect(() => dense(4, 3, bad({ activaton: "relu" }))).toThrow(new TypeError("dense: unknown option 'activaton' (did you mean 'activation'?)"));
    const other = dense(3, 2).init(rng(0));
    for (const fn of ["apply", "forward"] as const)
      expect(() => l[fn](bad(other), ones([4, 2]))).toThrow(new ShapeError(`dense.${fn}`, "argument 'params': W has shape [2, 3], expected [3, 4] (a 4 → 3 layer, columns are examples)"));
    expect(() => l.backward(bad(other), A, cache)).toThrow("dense.backward: argument 'params': W has shape [2, 3], expected [3, 4]");
    expect(() => l.backward(bad({ W: p.W, b: ones([1, 3]) }), A, cache)).toThrow("dense.backward: argument 'params': b has shape [1, 3], expected [3, 1] (a 4 → 3 layer, columns are examples)");
    const r = dense(4, 3, { layout: "rows", activation: "prelu" });
    const q = r.init(rng(0));
    expect(() => r.apply(bad({ ...q, alpha: ones([3, 1]) }), ones([2, 4]))).toThrow("dense.apply: argument 'params': alpha has shape [3, 1], expected [1, 3] (a 4 → 3 layer, rows are examples)");
    expect(() => r.apply(bad({ W: q.W, b: q.b }), ones([2, 4]))).toThrow(new TypeError("dense.apply: argument 'params' must be a record { W, b, alpha } from init"));
  });

  it("image layers: params of another layer are named by the layer, as dense's are", () => {
    const c = conv2dLayer([6, 6, 1], 2, 3);
    const p = c.init(rng(0));
    const X = zeros([2, 6, 6, 1]);
    const other = conv2dLayer([6, 6, 1], 2, 5).init(rng(0));
    // before: a 5×5 kernel ran, giving [2, 2, 2, 2] instead of the layer's [2, 4, 4, 2]; a wrong b was add's message
    for (const fn of ["apply", "forward", "applyWithState"] as const)
      expect(() => c[fn](bad(other), X)).toThrow(new ShapeError(`conv2dLayer.${fn}`, "argument 'params': W has shape [5, 5, 1, 2], expected [3, 3, 1, 2] (a [6, 6, 1] → [4, 4, 2] layer)"));
    // a kernel of lower rank whose sizes match as far as they go
    expect(() => c.apply(bad({ W: zeros([3, 3, 1]), b: p.b }), X)).toThrow(
      new ShapeError("conv2dLayer.apply", "argument 'params': W has shape [3, 3, 1], expected [3, 3, 1, 2] (a [6, 6, 1] → [4, 4, 2] layer)"),
    );
    const [A, cache] = c.forward(p, X);
    expect(() => c.backward(bad({ W: p.W, b: zeros([3]) }), A, cache)).toThrow("conv2dLayer.backward: argument 'params': b has shape [3], expected [2] (a [6, 6, 1] → [4, 4, 2] layer)");
    const bn = batchNormLayer([4, 4, 3]);
    const q = bn.init(rng(0));
    const Y = zeros([2, 4, 4, 3]);
    // before: the batchNorm op's message ("batchNorm: 'gamma' must be [3] for the input …"), naming no layer
    expect(() => bn.apply(bad({ ...q, gamma: ones([4]) }), Y)).toThrow(new ShapeError("batchNormLayer.apply", "argument 'params': gamma has shape [4], expected [3] (a [4, 4, 3] → [4, 4, 3] layer)"));
    expect(() => bn.forward(bad({ ...q, beta: zeros([1, 3]) }), Y)).toThrow("batchNormLayer.forward: argument 'params': beta has shape [1, 3], expected [3]");
    expect(() => bn.apply(bad({ ...q, variance: ones([2]) }), Y, { training: true })).toThrow("batchNormLayer.apply: argument 'params': variance has shape [2], expected [3]");
    expect(() => bn.apply(bad({ ...q, mean: zeros([3]) }), Y)).not.toThrow();
  });

  it("image layers: a dA of another shape names the layer's input and output per example", () => {
    const gap = globalAvgPool2dLayer([4, 4, 3]);
    const [, gc] = gap.forward({}, ones([2, 4, 4, 3]));
    expect(() => gap.backward({}, bad(ones([2, 4])), gc)).toThrow(
      new ShapeError("globalAvgPool2dLayer.backward", "dA has shape [2, 4], expected [2, 3] (the output of this [4, 4, 3] → [3] layer in the cache from forward, rows are examples)"),
    );
    const r = reshapeLayer([2, 2, 1]);
    const [, rc] = r.forward({}, ones([3, 4]));
    expect(() => r.backward({}, bad(ones([3, 4])), rc)).toThrow(
      new ShapeError("reshapeLayer.backward", "dA has shape [3, 4], expected [3, 2, 2, 1] (the output of this [4] → [2, 2, 1] layer in the cache from forward, rows are examples)"),
    );
  });

  it("image layers: a dA that is not a Tensor", () => {
    for (const [name, l, s] of [
      ["maxPool2dLayer", maxPool2dLayer([4, 4, 1], 2), [1, 4, 4, 1]],
      ["batchNormLayer", batchNormLayer([4, 4, 1]), [2, 4, 4, 1]],
      ["flattenLayer", flattenLayer([4, 4, 1]), [1, 4, 4, 1]],
    ] as const) {
      const u = l as unknown as { init(g: unknown): unknown; forward(p: unknown, x: unknown): [Tensor, unknown]; backward(p: unknown, d: unknown, c: unknown): unknown };
      const p = u.init(rng(0));
      const [, cache] = u.forward(p, ones([...s] as number[]));
      expect(() => u.backward(p, "dA", cache)).toThrow(new TypeError(`${name}.backward: argument 'dA' must be a Tensor, got "dA"`));
    }
  });

  it("sequential and mlp: the layer whose backward failed", () => {
    const net = sequential([dense(4, 3), dense(3, 3), dense(3, 2)]);
    const p = net.init(rng(0));
    const [A, caches] = net.forward(p, ones([4, 2]));
    expect(() => net.backward(p, bad(zeros([3, 2])), caches)).toThrow(
      new ShapeError("sequential.backward", "layer 2: dense.backward: dA has shape [3, 2], expected [2, 2] (the output of this 3 → 2 layer in the cache from forward, columns are examples)"),
    );
    expect(() => net.backward(p, A, bad([caches[0], caches[2], caches[1]]))).toThrow(/^sequential\.backward: layer 2: dense\.backward: dA has shape \[2, 2\], expected \[3, 2\]/);
    expect(() => net.backward(p, A, bad([caches[0], caches[1], null]))).toThrow(
      new TypeError("sequential.backward: layer 2: dense.backward: argument 'cache' must be the cache from forward ({ A_prev, Z, A }), got null"),
    );
    // the layer's own error is kept as the cause
    const causeOf = (f: () => unknown): unknown => {
      try {
        f();
      } catch (e) {
        return (e as Error).cause;
      }
      return undefined;
    };
    const shapeCause = causeOf(() => net.backward(p, bad(zeros([3, 2])), caches));
    expect(shapeCause).toBeInstanceOf(ShapeError);
    expect((shapeCause as Error).message).toBe("dense.backward: dA has shape [3, 2], expected [2, 2] (the output of this 3 → 2 layer in the cache from forward, columns are examples)");
    const typeCause = causeOf(() => net.backward(p, A, bad([caches[0], caches[1], null])));
    expect(typeCause).toBeInstanceOf(TypeError);
    expect((typeCause as Error).message).toBe("dense.backward: argument 'cache' must be the cache from forward ({ A_prev, Z, A }), got null");
    // any other error of a layer's backward goes on as it is
    const boom = new RangeError("custom.backward: out of range");
    const custom = {
      kind: "custom",
      nIn: 2,
      nOut: 2,
      layout: "columns",
      architecture: {},
      init: () => ({}),
      apply: (_p: unknown, a: Tensor) => a,
      forward: (_p: unknown, a: Tensor) => [a, {}],
      backward: () => {
        throw boom;
      },
    };
    const withCustom = sequential(bad([dense(4, 2), custom]));
    const cp = withCustom.init(rng(0));
    const [cA, cc] = withCustom.forward(cp, ones([4, 2]) as never);
    let thrown: unknown;
    try {
      withCustom.backward(cp, cA as never, cc);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBe(boom);
    const m = mlp([4, 3, 2]);
    const mp = m.init(rng(0));
    const [mA, mc] = m.forward(mp, ones([4, 2]));
    expect(() => m.backward(mp, bad(zeros([3, 2])), mc)).toThrow(/^mlp\.backward: layer 2 \(W2, b2\): dense\.backward: dA has shape \[3, 2\], expected \[2, 2\]/);
    expect(() => m.backward(mp, bad(5), mc)).toThrow(new TypeError("mlp.backward: layer 2 (W2, b2): dense.backward: argument 'dA' must be a Tensor, got 5"));
    expect(() => m.backward(mp, mA, bad(null))).toThrow(new TypeError("mlp.backward: argument 'caches' must be the 2 caches from forward"));
    expect(Object.keys(m.backward(mp, mA, mc).grads)).toEqual(["W1", "b1", "W2", "b2"]);
  });
});
