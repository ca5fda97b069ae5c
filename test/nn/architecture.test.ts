/**
 * Architecture as data: every model's `architecture` is plain JSON, and the model rebuilt from it
 * (`modelFromArchitecture`, through io-ts) has the same description and computes the same
 * outputs as the original on random input, for every activation, both layouts, dropout and the
 * activations' settings. Bad descriptions give `Left`s with a path to the bad field.
 */
import fc from "fast-check";
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it, test } from "vitest";
import type { Params } from "../../src/autodiff/tree.js";
import { diffArchitecture, draw, modelFromArchitecture } from "../../src/codec/index.js";
import { type ActivationName, activationNames, type DescribedModel, dense, mlp, paramLayout, sequential } from "../../src/nn/index.js";
import { toFlat } from "../../src/tensor/create.js";
import { randn, rng } from "../../src/tensor/random.js";
import type { Tensor } from "../../src/tensor/tensor.js";

const rebuilt = (m: DescribedModel): DescribedModel => {
  const r = modelFromArchitecture(JSON.parse(JSON.stringify(m.architecture)));
  if (E.isLeft(r)) throw new Error(draw(r.left));
  return r.right;
};

/** The original and the rebuilt model agree: same description, same parameter layout, same outputs (bit for bit). */
const agree = (m: DescribedModel, nIn: number, layout: "rows" | "columns", seed: number): void => {
  const r = rebuilt(m);
  expect(r.architecture).toEqual(m.architecture);
  const params = m.init(rng(seed), { dtype: "float64" });
  expect(paramLayout(m.architecture).specs.map(([n, s]) => [n, [...s]])).toEqual(Object.entries(flatten(params)).map(([n, x]) => [n, [...(x.shape as readonly number[])]]));
  const X = randn(rng(seed + 1), (layout === "rows" ? [7, nIn] : [nIn, 7]) as number[], { dtype: "float64" });
  const a = toFlat(m.apply(params, X));
  const b = toFlat(r.apply(params, X));
  expect(Array.from(b)).toEqual(Array.from(a));
};

const flatten = (p: Params, path = "", out: Record<string, Tensor> = {}): Record<string, Tensor> => {
  if (Array.isArray(p)) {
    for (const [i, q] of p.entries()) flatten(q, `${path}[${i}]`, out);
  } else if ("shape" in (p as object) && "dtype" in (p as object)) out[path] = p as Tensor;
  else for (const [k, v] of Object.entries(p as Record<string, Params>)) flatten(v, path === "" ? k : `${path}.${k}`, out);
  return out;
};

describe("architecture", () => {
  it("is plain JSON holding every constructor option", () => {
    expect(dense(784, 128, { activation: "relu" }).architecture).toEqual({ kind: "dense", nIn: 784, nOut: 128, activation: "relu", layout: "columns", dropout: 0, init: "he" });
    expect(dense(4, 3, { activation: "leakyRelu", alpha: 0.2, layout: "rows", dropout: 0.5, init: "small" }).architecture).toEqual({
      kind: "dense",
      nIn: 4,
      nOut: 3,
      activation: "leakyRelu",
      layout: "rows",
      dropout: 0.5,
      init: "small",
      alpha: 0.2,
    });
    expect(mlp([784, 128, 64, 10], { hidden: "tanh", dropout: 0.1 }).architecture).toEqual({
      kind: "mlp",
      sizes: [784, 128, 64, 10],
      layout: "columns",
      hidden: "tanh",
      output: "linear",
      dropout: 0.1,
    });
    const net = sequential([dense(4, 3, { activation: "prelu", alphaInit: 0.1 }), dense(3, 2, { activation: "rrelu", rreluRange: [0.1, 0.2] })]);
    expect(net.architecture).toEqual({
      kind: "sequential",
      layers: [dense(4, 3, { activation: "prelu", alphaInit: 0.1 }).architecture, dense(3, 2, { activation: "rrelu", rreluRange: [0.1, 0.2] }).architecture],
    });
    expect(JSON.parse(JSON.stringify(net.architecture))).toEqual(net.architecture);
  });

  it("an initialiser given as a function is not stored", () => {
    expect(dense(2, 2, { init: (g, s, _f, o) => randn(g, s, o) }).architecture).not.toHaveProperty("init");
    expect(mlp([2, 2], { init: (g, s, _f, o) => randn(g, s, o) }).architecture).not.toHaveProperty("init");
  });

  test.each(activationNames)("the rebuilt model computes what the original does: %s", (activation: ActivationName) => {
    const plain = activation === "prelu" ? "relu" : activation;
    for (const layout of ["columns", "rows"] as const) {
      agree(dense(5, 4, { activation, layout, alpha: 0.3 }) as unknown as DescribedModel, 5, layout, 1);
      agree(sequential([dense(5, 4, { activation, layout, dropout: 0.2 }), dense(4, 3, { layout, activation: "softmax" })]) as unknown as DescribedModel, 5, layout, 2);
      agree(mlp([5, 4, 3, 2], { hidden: plain, output: plain, layout, rreluRange: [0.2, 0.3] }) as unknown as DescribedModel, 5, layout, 3);
    }
  });

  it("property: any mlp or sequential, rebuilt, agrees with the original", () => {
    const act = fc.constantFrom(...activationNames);
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 2, maxLength: 5 }),
        fc.array(act, { minLength: 4, maxLength: 4 }),
        fc.constantFrom("rows" as const, "columns" as const),
        fc.boolean(),
        fc.integer({ min: 0, max: 1000 }),
        (sizes, acts, layout, asMlp, seed) => {
          const model = asMlp
            ? mlp(sizes, { layout, hidden: acts[0] === "prelu" || acts[0] === undefined ? "elu" : acts[0], alpha: 0.5 })
            : sequential(sizes.slice(1).map((n, k) => dense(sizes[k] as number, n, { layout, activation: acts[k] ?? "linear" })) as never);
          agree(model as unknown as DescribedModel, sizes[0] as number, layout, seed);
        },
      ),
      { numRuns: 40 },
    );
  });

  it("bad descriptions give Lefts with a path to the bad field", () => {
    const text = (u: unknown): string => {
      const r = modelFromArchitecture(u);
      return E.isLeft(r) ? draw(r.left) : "ok";
    };
    const good = mlp([4, 3, 2]).architecture;
    expect(text(good)).toBe("ok");
    expect(text({ ...good, sizes: [4, 0] })).toBe("sizes: index 1: expected an integer ≥ 1, got 0");
    expect(text({ ...good, hidden: "prelu" })).toMatch(/^hidden: expected one of linear, sigmoid, tanh, relu, leakyRelu, rrelu, elu, softmax, got "prelu"$/);
    expect(text({ ...good, dropout: 1 })).toBe("dropout: expected a probability in [0, 1), got 1");
    expect(text({ kind: "conv" })).toBe('kind: expected one of "dense", "sequential", "mlp", "rnn", "gru", "lstm", "bidirectional", "recurrentNet", got "conv"');
    expect(text(null)).toBe("expected an architecture object, got null");
    expect(text({ kind: "sequential", layers: [] })).toBe("layers: expected 1 to 10000 entries, got 0");
    expect(text({ kind: "sequential", layers: [dense(4, 3).architecture, dense(4, 2).architecture] })).toBe("layers: index 1: nIn: layer 1 takes 4 inputs but layer 0 gives 3");
    expect(text({ kind: "sequential", layers: [dense(4, 3).architecture, { ...dense(3, 2).architecture, rreluRange: [0.5, 0.1] }] })).toBe(
      "layers: index 1: rreluRange: expected [lower, upper] with 0 ≤ lower ≤ upper < 1, got [0.5,0.1]",
    );
    expect(text({ ...good, sizes: Array(20_000).fill(1) })).toBe("sizes: expected 2 to 10000 entries, got 20000");
  });

  it("diffArchitecture names every difference, layer by layer", () => {
    const d = (a: DescribedModel, b: DescribedModel): string => draw(diffArchitecture(a.architecture, b.architecture));
    expect(d(mlp([784, 128, 64, 10]), mlp([784, 128, 64, 10]))).toBe("");
    expect(d(mlp([784, 128, 64, 10]), mlp([784, 128, 128, 10]))).toBe("layer 2: has 64 units, expected 128");
    expect(d(mlp([784, 128, 10], { hidden: "tanh" }), mlp([784, 128, 10]))).toBe('layer 1: activation is "tanh", expected "relu"');
    expect(d(mlp([785, 128, 10]), mlp([784, 128, 10]))).toBe("layer 1: takes 785 inputs, expected 784");
    expect(d(mlp([4, 3, 2]), mlp([4, 3, 3, 2]))).toBe("has 2 layers (sizes [4, 3, 2]), expected 3 (sizes [4, 3, 3, 2])");
    expect(d(mlp([4, 3, 2]), sequential([dense(4, 3), dense(3, 2)]) as unknown as DescribedModel)).toBe("is an mlp [4, 3, 2], expected a sequential [4, 3, 2]");
    expect(d(mlp([4, 3, 2], { layout: "rows", dropout: 0.5 }), mlp([4, 3, 2]))).toBe(
      ['layer 1: layout is "rows", expected "columns"', "layer 1: dropout is 0.5, expected 0", 'layer 2: layout is "rows", expected "columns"'].join("\n"),
    );
    expect(d(dense(4, 3, { activation: "leakyRelu", alpha: 0.2 }), dense(4, 3, { activation: "leakyRelu" }))).toBe("leakyRelu alpha is 0.2, expected 0.01");
    expect(d(dense(4, 3, { activation: "leakyRelu", alpha: 0.01 }), dense(4, 3, { activation: "leakyRelu" }))).toBe("");
    expect(d(sequential([dense(4, 3, { activation: "rrelu", rreluRange: [0.1, 0.2] })]) as never, sequential([dense(4, 3, { activation: "rrelu" })]) as never)).toBe(
      "layer 0: rreluRange is [0.1, 0.2], expected [0.125, 0.3333333333333333]",
    );
    expect(d(dense(4, 3, { init: "small" }), dense(4, 3, { init: "he" }))).toBe("");
  });
});
