/**
 * Ops refusing bad arguments, each message in full (the op, the argument, what was expected), and
 * the identity cases the ops document (`astype` to the same dtype is the tensor itself).
 */
import { describe, expect, it } from "vitest";
import { addAct, argmax, astype, matmul, ShapeError, tensor, toArray } from "../../src/index.js";

const bad = (v: unknown): never => v as never;
const x = tensor([
  [1, 5, 2],
  [7, 0, 7],
]);

describe("argmax", () => {
  it("refuses a non-tensor, a non-number axis and an axis out of range, naming itself", () => {
    // a first argument that is no tensor is the data-last form: the tensor comes next
    expect(() => argmax(0)(bad([1, 2]))).toThrow(new TypeError("argmax: argument 'x' must be a Tensor, got an array"));
    expect(() => argmax(x, bad("1"))).toThrow(new TypeError("argmax: argument 'axis' must be a number, got \"1\""));
    expect(() => argmax(x, bad(2))).toThrow(new ShapeError("argmax", "axis 2 is out of range for [2, 3] (rank 2)"));
    expect(toArray(argmax(x, 1))).toEqual([1, 0]);
    expect(toArray(argmax(x, -1))).toEqual([1, 0]);
    expect(toArray(argmax(tensor([-3, -1, -2]), 0))).toBe(1);
  });
});

describe("astype", () => {
  it("refuses a non-tensor and an unknown dtype; to the same dtype it is the tensor itself", () => {
    expect(() => astype("float64")(bad(3))).toThrow(new TypeError("astype: argument 'x' must be a Tensor, got number 3"));
    expect(() => astype(x, bad("int8"))).toThrow(new TypeError('astype: argument \'dtype\' must be "float32" or "float64", got "int8"'));
    expect(astype(x, "float32")).toBe(x);
    const y = astype(x, "float64");
    expect(y).not.toBe(x);
    expect(y.dtype).toBe("float64");
  });
});

describe("addAct", () => {
  it("refuses an activation it does not fuse, naming the ones it does", () => {
    expect(() => addAct(x, tensor([1, 1, 1]), bad("elu"))).toThrow(new TypeError('addAct: argument \'act\' must be one of "relu", "sigmoid", "tanh", got string elu'));
    expect(() => addAct(bad("z"), tensor([1]), "relu")).toThrow(new TypeError("addAct: argument 'z' must be a Tensor, got string z"));
    expect(() => addAct(x, bad(null), "relu")).toThrow(new TypeError("addAct: argument 'b' must be a Tensor, got null"));
    expect(toArray(addAct(x, tensor([-2, -2, -2]), "relu"))).toEqual([
      [0, 3, 0],
      [5, 0, 5],
    ]);
  });
});

describe("matmul", () => {
  it("refuses an operand that is no tensor, naming itself and the operand", () => {
    expect(() => matmul(bad(1), x)).toThrow(new TypeError("matmul: argument 'a' must be a Tensor, got number 1"));
    expect(() => matmul(x, bad("w"))).toThrow(new TypeError("matmul: argument 'b' must be a Tensor, got string w"));
  });
});
