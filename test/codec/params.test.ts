import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import { paramSpecs } from "../../src/codec/params.js";
import { decodeParams, draw, fromArray, namedLeaves, type Tensor, toFlat, zeros } from "../../src/index.js";

const text = (r: E.Either<readonly import("../../src/index.js").DecodeError[], unknown>): string => (E.isLeft(r) ? draw(r.left) : "ok");

describe("decodeParams", () => {
  const specs = { W1: [128, 784], b1: [128, 1], W2: [10, 128], b2: [10, 1] } as const;

  it("lists every mismatched, missing and unexpected parameter by name", () => {
    const input = { W1: { shape: [128, 783], data: new Array(128 * 783).fill(0) }, b1: zeros([128, 1]), W2: zeros([10, 128]), b3: zeros([10, 1]) };
    expect(text(decodeParams(specs, input))).toBe(
      ["W1: dim 1 is 783, expected 784", "b2: missing: expected a parameter of shape [10, 1]", "b3: unexpected parameter (expected only W1, b1, W2, b2)"].join("\n"),
    );
  });

  it("accepts matching tensors and JSON, typed by the specs", () => {
    const r = decodeParams(
      { W: [2, 2], b: [2, 1] },
      {
        W: [
          [1, 2],
          [3, 4],
        ],
        b: { shape: [2, 1], data: [5, 6] },
      },
    );
    expect(E.isRight(r)).toBe(true);
    if (E.isRight(r)) {
      const W: Tensor<[2, 2]> = r.right.W;
      expect(Array.from(toFlat(W))).toEqual([1, 2, 3, 4]);
    }
  });

  it("checks against a model's params tree, keeping its structure and dtypes", () => {
    const model = { layers: [{ W: zeros([2, 3], { dtype: "float64" }), b: zeros([2, 1], { dtype: "float64" }) }], scale: zeros([1]) };
    expect(namedLeaves("t", model).map(([n]) => n)).toEqual(["layers[0].W", "layers[0].b", "scale"]);
    expect(paramSpecs(model)).toEqual({ "layers[0].W": [2, 3], "layers[0].b": [2, 1], scale: [1] });
    const r = decodeParams(model, { "layers[0].W": fromArray([2, 3], [1, 2, 3, 4, 5, 6]), "layers[0].b": [[1], [2]], scale: [3] });
    expect(E.isRight(r)).toBe(true);
    if (E.isRight(r)) {
      const W = r.right.layers[0]?.W as Tensor;
      expect(W.dtype).toBe("float64");
      expect(Array.from(toFlat(W))).toEqual([1, 2, 3, 4, 5, 6]);
    }
    expect(text(decodeParams(model, { "layers[0].W": zeros([3, 2]), scale: [3] }))).toBe(
      ["layers[0].W: dim 0 is 3, expected 2", "layers[0].W: dim 1 is 2, expected 3", "layers[0].b: missing: expected a parameter of shape [2, 1]"].join("\n"),
    );
  });

  it("throws for a model that is not a params tree", () => {
    expect(() => decodeParams({ W: zeros([1]), f: "x" } as never, {})).toThrow("decodeParams: argument 'params' must be tensors, arrays or records of tensors; 'f' is \"x\"");
  });
});
