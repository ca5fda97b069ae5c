/**
 * A sequential's layer state (batch norm's running statistics): `withState` and `updateState`
 * put each layer's new `{ mean, variance }` into the parameters and refuse, naming the method,
 * the layer and what was expected, a state list of the wrong length, a state that is no record,
 * one shaped unlike the layer's statistics or given to a layer without any; `applyWithState`
 * names itself in its errors, as the image layers' `applyWithState` do.
 */
import { describe, expect, it } from "vitest";
import { batchNormLayer, conv2dLayer, flattenLayer } from "../../src/nn/conv.js";
import { dense } from "../../src/nn/dense.js";
import { sequential } from "../../src/nn/sequential.js";
import { fill, toArray, zeros } from "../../src/tensor/create.js";
import { rng } from "../../src/tensor/random.js";

const bad = (x: unknown): never => x as never;

describe("sequential: layer state", () => {
  // made inside each test: a layer's methods are made with it, and Stryker credits what runs at
  // describe level to no test
  const setup = () => {
    const net = sequential([batchNormLayer([2, 2, 1]), flattenLayer([2, 2, 1]), dense(4, 1, { layout: "rows" })]);
    return { net, p: net.init(rng(0)), X: fill([3, 2, 2, 1], 1) };
  };

  it("withState puts each layer's new statistics in, and keeps the rest", () => {
    const { net, p } = setup();
    const next = net.withState(p, [{ mean: fill([1], 5), variance: fill([1], 2) }, {}, {}]);
    expect(toArray(next[0].mean)).toEqual([5]);
    expect(toArray(next[0].variance)).toEqual([2]);
    expect(next[0].gamma).toBe(p[0].gamma);
    expect(next[2]).toBe(p[2]);
    const same = net.withState(p, [{}, {}, {}]);
    expect(same.map((q, k) => Object.keys(q).every((n) => q[n as never] === p[k]?.[n as never]))).toEqual([true, true, true]);
  });

  it("withState refuses what is not one state per layer, naming the layer", () => {
    const { net, p } = setup();
    expect(() => net.withState(p, bad([{}, {}]))).toThrow(new TypeError("sequential.withState: argument 'states' must hold one state per layer (3), from applyWithState"));
    expect(() => net.withState(p, bad([null, {}, {}]))).toThrow(new TypeError("sequential.withState: the state of layer 0 must be a record ({} for none)"));
    expect(() => net.withState(p, bad([{}, 7, {}]))).toThrow(new TypeError("sequential.withState: the state of layer 1 must be a record ({} for none)"));
    expect(() => net.withState(p, bad([{ mean: fill([2], 0), variance: fill([1], 1) }, {}, {}]))).toThrow(
      new TypeError("sequential.withState: the state of layer 0 must be { mean, variance } shaped like the layer's [1]"),
    );
    expect(() => net.withState(p, bad([{ mean: fill([1, 1], 0), variance: fill([1], 1) }, {}, {}]))).toThrow(
      "sequential.withState: the state of layer 0 must be { mean, variance } shaped like the layer's [1]",
    );
    expect(() => net.withState(p, bad([{ mean: zeros([]), variance: fill([1], 1) }, {}, {}]))).toThrow(
      "sequential.withState: the state of layer 0 must be { mean, variance } shaped like the layer's [1]",
    );
    expect(() => net.withState(p, bad([{ mean: fill([1], 0) }, {}, {}]))).toThrow("sequential.withState: the state of layer 0 must be { mean, variance } shaped like the layer's [1]");
    expect(() => net.withState(p, bad([{}, {}, { mean: zeros([1]), variance: zeros([1]) }]))).toThrow(
      new TypeError("sequential.withState: the state of layer 2 must be { mean, variance } shaped like the layer's (which has no state)"),
    );
    expect(() => net.withState(bad([p[0]]), [{}, {}, {}])).toThrow(new TypeError("sequential.withState: argument 'params' must be an array of 3 layer records (from init)"));
  });

  it("updateState takes the states from forward's caches, with its own name in errors", () => {
    const { net, p, X } = setup();
    const [, caches] = net.forward(p, X, { training: true });
    const next = net.updateState(p, caches);
    expect(toArray(next[0].mean)).toEqual([Math.fround(0.1)]); // 0.9·0 + 0.1·1
    expect(() => net.updateState(bad([p[0]]), caches)).toThrow(new TypeError("sequential.updateState: argument 'params' must be an array of 3 layer records (from init)"));
    const [, shaped] = net.forward(p, X, { training: true });
    const wrong = [{ ...(shaped[0] as object), state: { mean: zeros([2]), variance: zeros([2]) } }, shaped[1], shaped[2]];
    expect(() => net.updateState(p, bad(wrong))).toThrow(new TypeError("sequential.updateState: the state of layer 0 must be { mean, variance } shaped like the layer's [1]"));
    const [, caches2] = net.forward(p, X);
    expect(net.updateState(p, caches2)[0].mean).toBe(p[0].mean);
  });

  it("applyWithState names itself", () => {
    const { net, p, X } = setup();
    expect(() => net.applyWithState(bad([]), X)).toThrow(new TypeError("sequential.applyWithState: argument 'params' must be an array of 3 layer records (from init)"));
    const [A, states] = net.applyWithState(p, X, { training: true });
    expect(A.shape).toEqual([3, 1]);
    expect(states.map((s) => Object.keys(s))).toEqual([["mean", "variance"], [], []]);
    const c = conv2dLayer([3, 3, 1], 1, 1);
    const cp = c.init(rng(0));
    expect(() => c.applyWithState(bad({ W: cp.W }), zeros([1, 3, 3, 1]))).toThrow(new TypeError("conv2dLayer.applyWithState: argument 'params' must be a record { W, b } from init"));
    expect(() => c.applyWithState(cp, bad(zeros([1, 3, 2, 1])))).toThrow("conv2dLayer.applyWithState: A_prev has shape [1, 3, 2, 1], expected [m, 3, 3, 1] (rows are examples)");
  });
});
