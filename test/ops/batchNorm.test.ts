/**
 * batchNorm at its edges: every refusal in full (the op, the argument, what was expected), the
 * momentum's and ε's bounds, the running-variance update for one value per channel, the shape
 * twin, what the law sampler draws and the documented error model.
 */
import { describe, expect, it } from "vitest";
import { seededGen } from "../../laws/gen.js";
import { batchNorm, batchNormState, ones, ShapeError, tensor, toArray, zeros } from "../../src/index.js";
import { type BatchNormParams, type BatchNormResult, batchNormDef } from "../../src/ops/batchNorm.js";
import { type Case, domains, errorTolerance } from "../../src/ops/spec.js";
import { rng } from "../../src/tensor/random.js";

/** batchNorm without its types, for arguments the types refuse. */
const bn = batchNorm as unknown as (x: unknown, gamma: unknown, beta: unknown, state: unknown, opts: unknown) => BatchNormResult<number[], number>;
const x = tensor([
  [1, 10],
  [3, 30],
]);
const g = ones([2]);
const b = zeros([2]);
const s = batchNormState(2);
const train = { training: true };

describe("batchNorm refuses bad arguments, naming itself, the argument and what it expected", () => {
  it("the input: a tensor of at least 2 axes", () => {
    expect(() => bn("x", g, b, s, train)).toThrow(new TypeError("batchNorm: argument 'x' must be a Tensor, got string x"));
    expect(() => bn(tensor([1, 2]), g, b, s, train)).toThrow(new ShapeError("batchNorm", "the input needs at least 2 axes (examples and channels), got [2]"));
  });

  it("the state: { mean, variance }, both tensors", () => {
    const msg = new TypeError("batchNorm: argument 'state' must be { mean, variance } (batchNormState makes one)");
    for (const bad of [null, undefined, 3, "state", {}, { mean: s.mean }, { variance: s.variance }, { mean: s.mean, variance: [1, 1] }, { mean: 0, variance: s.variance }])
      expect(() => bn(x, g, b, bad, train)).toThrow(msg);
  });

  it("the options: { training: boolean, momentum?, epsilon? }", () => {
    const msg = new TypeError("batchNorm: argument 'opts' must be { training: boolean, momentum?, epsilon? }");
    for (const bad of [null, undefined, 5, "train", {}, { training: "yes" }, { training: 1 }]) expect(() => bn(x, g, b, s, bad)).toThrow(msg);
  });

  it("momentum in [0, 1] (both ends included), ε > 0", () => {
    for (const m of [-0.1, 1.5, Number.NaN]) expect(() => bn(x, g, b, s, { training: true, momentum: m })).toThrow(new RangeError(`batchNorm: option 'momentum' must be in [0, 1], got ${m}`));
    for (const e of [0, -1, Number.NaN]) expect(() => bn(x, g, b, s, { training: true, epsilon: e })).toThrow(new RangeError(`batchNorm: option 'epsilon' must be > 0, got ${e}`));
    // momentum 0: the running statistics become the batch's (variance unbiased: N / (N − 1) = 2)
    const now = bn(x, g, b, s, { training: true, momentum: 0 }).state;
    expect(toArray(now.mean)).toEqual([2, 20]);
    expect(toArray(now.variance)).toEqual([2, 200]);
    // momentum 1: they stay
    const kept = bn(x, g, b, s, { training: true, momentum: 1 }).state;
    expect(toArray(kept.mean)).toEqual([0, 0]);
    expect(toArray(kept.variance)).toEqual([1, 1]);
    // the smallest positive ε is accepted
    expect(toArray(bn(x, g, b, s, { training: false, epsilon: Number.MIN_VALUE }).y)).toEqual(toArray(x));
  });

  it("γ, β and the running statistics: tensors of shape [C], each named", () => {
    for (const [name, at] of [
      ["gamma", 1],
      ["beta", 2],
    ] as const) {
      const args = (v: unknown): unknown[] => [x, g, b, s, train].map((a, i) => (i === at ? v : a));
      const call = (v: unknown) => () => bn(...(args(v) as [unknown, unknown, unknown, unknown, unknown]));
      expect(call(1)).toThrow(new TypeError(`batchNorm: argument '${name}' must be a Tensor, got number 1`));
      expect(call(ones([3]))).toThrow(new ShapeError("batchNorm", `'${name}' must be [2] for the input [2, 2], got [3]`));
      // the right length along the first axis, but not a vector
      expect(call(ones([2, 1]))).toThrow(new ShapeError("batchNorm", `'${name}' must be [2] for the input [2, 2], got [2, 1]`));
      expect(call(ones([]))).toThrow(new ShapeError("batchNorm", `'${name}' must be [2] for the input [2, 2], got []`));
    }
    expect(() => bn(x, g, b, { mean: ones([3]), variance: s.variance }, train)).toThrow(new ShapeError("batchNorm", "'state.mean' must be [2] for the input [2, 2], got [3]"));
    expect(() => bn(x, g, b, { mean: s.mean, variance: ones([2, 1]) }, train)).toThrow(new ShapeError("batchNorm", "'state.variance' must be [2] for the input [2, 2], got [2, 1]"));
  });
});

describe("batchNorm's statistics", () => {
  it("one value per channel: the batch variance (0) updates the running one as it is (no N / (N − 1))", () => {
    const { y, state } = batchNorm(tensor([[4, -2]]), ones([2]), tensor([0.5, -0.5]), batchNormState(2), { training: true });
    expect(toArray(y)).toEqual([[0.5, -0.5]]);
    expect(toArray(state.mean)).toEqual([0.4000000059604645, -0.20000000298023224]);
    expect(toArray(state.variance)).toEqual([0.8999999761581421, 0.8999999761581421]);
  });

  it("the rank-4 NHWC form normalises over examples and pixels, per channel", () => {
    // channel 0 holds 0, 2, 4, 6; channel 1 holds 1 everywhere (variance 0: y = β)
    const img = tensor([
      [
        [
          [0, 1],
          [2, 1],
        ],
      ],
      [
        [
          [4, 1],
          [6, 1],
        ],
      ],
    ]);
    const { y } = batchNorm(img, tensor([1, 3]), tensor([0, 7]), batchNormState(2), { training: true, epsilon: 1e-9 });
    const z = 1 / Math.sqrt(5); // σ² = 5
    const got = (toArray(y) as number[][][][]).flat(3);
    const want = [-3 * z, 7, -z, 7, z, 7, 3 * z, 7];
    got.forEach((v, i) => {
      expect(v).toBeCloseTo(want[i] as number, 5);
    });
  });
});

describe("batchNorm's registry entry", () => {
  it("the shape twin refuses an input of fewer than 2 axes and keeps the input's shape", () => {
    const p: BatchNormParams = { training: true, momentum: 0.9, epsilon: 1e-5 };
    expect(() => batchNormDef.shape([[3], [3], [3], [3], [3]], p)).toThrow(new ShapeError("batchNorm", "the input needs at least 2 axes (examples and channels), got [3]"));
    expect(batchNormDef.shape([[2, 4, 3], [3], [3], [3], [3]], p)).toEqual([2, 4, 3]);
  });

  it("the sampler draws inputs of rank 2 to 4 (examples 2..4, other axes 1..3, channels 1..3), both modes", () => {
    const gen = seededGen(rng(5));
    const cases = Array.from({ length: 400 }, () => batchNormDef.spec.sample(gen));
    const xs = cases.map((c) => c.inputs[0]?.shape as readonly number[]);
    expect([...new Set(xs.map((sh) => sh.length))].sort()).toEqual([2, 3, 4]);
    expect([...new Set(xs.map((sh) => sh[0]))].sort()).toEqual([2, 3, 4]);
    expect([...new Set(xs.flatMap((sh) => sh.slice(1)))].sort()).toEqual([1, 2, 3]);
    expect(new Set(cases.map((c) => c.params.training)).size).toBe(2);
    for (const c of cases) {
      const C = c.inputs[0]?.shape.at(-1);
      expect(c.inputs.slice(1).map((i) => i.shape)).toEqual([[C], [C], [C], [C]]);
      expect(c.inputs[4]?.domain).toBe(domains.positive);
    }
  });

  it("the error model counts N, the values per channel (all axes but the last), 50 each, over 30 roundings", () => {
    const c = { inputs: [{ shape: [2, 3, 4], domain: domains.real }], params: { training: true, momentum: 0.9, epsilon: 0.01 } } as Case<BatchNormParams>;
    const e = batchNormDef.spec.error;
    if (e === undefined) throw new Error("batchNorm has no error model");
    expect(errorTolerance(e, c, "float64")).toBe(4 * 2 * 2 ** -53 * (30 + 6 * 50));
    expect(errorTolerance(e, c, "float32")).toBe(4 * 2 * 2 ** -24 * (30 + 6 * 50));
  });

  it("the reference leaves its inputs as they were", () => {
    const data = [1, 2, 3, 4, 5, 7];
    const ins = [{ shape: [3, 2], data: data.slice() }, ...[1, 2, 3, 4].map(() => ({ shape: [2], data: [1, 1] }))];
    const out = batchNormDef.spec.reference(ins, { training: true, momentum: 0.9, epsilon: 1 });
    expect(ins[0]?.data).toEqual(data);
    // (x − μ) / √(σ² + 1) + 1, channel 0: μ = 3, σ² = 8/3; channel 1: μ = 13/3, σ² = 38/9
    out.data.forEach((v, i) => {
      const [mu, v2] = i % 2 === 0 ? [3, 8 / 3] : [13 / 3, 38 / 9];
      expect(v).toBeCloseTo(((data[i] as number) - mu) / Math.sqrt(v2 + 1) + 1, 12);
    });
  });
});
