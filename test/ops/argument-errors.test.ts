/**
 * Ops refusing arguments of the wrong kind, each message in full: the op, the argument and what
 * was expected (a tensor where the op reads one, a number or an array where it takes one). The
 * data-last forms (`clip(0, 1)(x)`) are the ones a bad first argument reaches: a call whose first
 * argument is no tensor is read as the data-last form.
 */
import { describe, expect, it } from "vitest";
import {
  broadcastTo,
  clip,
  concat,
  elu,
  flatten,
  leakyRelu,
  logSumExp,
  mean,
  pad,
  permute,
  reshape,
  ShapeError,
  slice,
  softmax,
  square,
  sum,
  tensor,
  toArray,
  transpose,
  where,
  zeros,
} from "../../src/index.js";
import { argmaxDef } from "../../src/ops/argmax.js";

const bad = (v: unknown): never => v as never;
const x = tensor([
  [1, 2],
  [3, 4],
]);
const notATensor = (op: string, arg = "x"): TypeError => new TypeError(`${op}: argument '${arg}' must be a Tensor, got string z`);

describe("an argument that is no tensor", () => {
  it("is named with its op in every op that reads one", () => {
    expect(() => clip(0, 1)(bad("z"))).toThrow(notATensor("clip"));
    expect(() => permute([1, 0])(bad("z"))).toThrow(notATensor("permute"));
    expect(() => reshape([4])(bad("z"))).toThrow(notATensor("reshape"));
    expect(() => leakyRelu(0.1)(bad("z"))).toThrow(notATensor("leakyRelu"));
    expect(() => elu(0.1)(bad("z"))).toThrow(notATensor("elu"));
    expect(() => transpose(bad("z"))).toThrow(notATensor("transpose"));
    expect(() => softmax(0)(bad("z"))).toThrow(notATensor("softmax"));
    expect(() => slice(0, 0, 1)(bad("z"))).toThrow(notATensor("slice"));
    expect(() => logSumExp(0)(bad("z"))).toThrow(notATensor("logSumExp"));
    expect(() => broadcastTo([2, 2])(bad("z"))).toThrow(notATensor("broadcastTo"));
    expect(() => square(bad("z"))).toThrow(notATensor("square"));
    expect(() => pad(0, 1, 1)(bad("z"))).toThrow(notATensor("pad"));
    expect(() => mean(0)(bad("z"))).toThrow(notATensor("mean"));
    expect(() => flatten(0)(bad("z"))).toThrow(notATensor("flatten"));
  });

  it("names where's condition and either branch; a branch may be a plain number", () => {
    expect(() => where(bad("z"), x, x)).toThrow(notATensor("where", "cond"));
    expect(() => where(x, bad("z"), x)).toThrow(notATensor("where", "a"));
    expect(() => where(x, x, bad("z"))).toThrow(notATensor("where", "b"));
    expect(() => where(x, bad([1]), 0)).toThrow(new TypeError("where: argument 'a' must be a Tensor, got an array"));
    expect(() => where(x, 0, bad(null))).toThrow(new TypeError("where: argument 'b' must be a Tensor, got null"));
    expect(toArray(where(tensor([1, 0]), 5, 7))).toEqual([5, 7]);
  });

  it("names where when cond, a and b do not broadcast together", () => {
    const msg = new ShapeError("where", "shapes [3] and [2] do not broadcast (3 vs 2)");
    const c = tensor([1, 0, 1]);
    expect(() => where(c, bad(tensor([1, 2])), 0)).toThrow(msg);
    expect(() => where(c, tensor([1, 2, 3]), bad(tensor([1, 2])))).toThrow(msg);
  });

  it("names concat's list and the element that is wrong", () => {
    expect(() => concat(0)(bad("z"))).toThrow(new TypeError("concat: argument 'xs' must be an array of tensors, got string z"));
    expect(() => concat(0)(bad({ length: 1 }))).toThrow(new TypeError("concat: argument 'xs' must be an array of tensors, got a Object"));
    expect(() => concat([x, bad(3)], 0)).toThrow(new TypeError("concat: element 1 of argument 'xs' must be a Tensor, got number 3"));
  });
});

describe("arguments that are not numbers or arrays", () => {
  it("clip wants two numbers with lo ≤ hi, and takes lo = hi", () => {
    const msg = (lo: string, hi: string) => new TypeError(`clip: arguments 'lo' and 'hi' must be numbers with lo ≤ hi, got ${lo} and ${hi}`);
    expect(() => clip(x, bad("0"), 1)).toThrow(msg("0", "1"));
    expect(() => clip(x, 0, bad("1"))).toThrow(msg("0", "1"));
    expect(() => clip(x, 1, 0)).toThrow(msg("1", "0"));
    expect(() => clip(x, Number.NaN, 1)).toThrow(msg("NaN", "1"));
    expect(() => clip(x, 0, Number.NaN)).toThrow(msg("0", "NaN"));
    expect(toArray(clip(x, 2, 2))).toEqual([
      [2, 2],
      [2, 2],
    ]);
    expect(toArray(clip(x, 1.5, 3.5))).toEqual([
      [1.5, 2],
      [3, 3.5],
    ]);
  });

  it("leakyRelu and elu want a number α", () => {
    expect(() => leakyRelu(x, bad("0.1"))).toThrow(new TypeError("leakyRelu: argument 'alpha' must be a number, got string"));
    expect(() => elu(x, bad(null))).toThrow(new TypeError("elu: argument 'alpha' must be a number, got object"));
  });

  it("permute wants an array of axes, negative ones counted from the end", () => {
    expect(() => permute(x, bad(5))).toThrow(new TypeError("permute: argument 'axes' must be an array of axes, got 5"));
    expect(() => permute(x, bad({ a: 1 }))).toThrow(new TypeError("permute: argument 'axes' must be an array of axes, got {\"a\":1}"));
    expect(toArray(permute(x, [-1, 0]))).toEqual([
      [1, 3],
      [2, 4],
    ]);
    expect(permute(zeros([2, 3, 4]), [-1, 0, -2]).shape).toEqual([4, 2, 3]);
  });

  it("reshape wants an array of sizes or dim names", () => {
    const msg = (got: string) => new TypeError(`reshape: argument 'shape' must be an array of sizes (numbers, one may be -1) or names of x's dims, got ${got}`);
    expect(() => reshape(x, bad(4))).toThrow(msg("4"));
    expect(() => reshape(x, bad([4, null]))).toThrow(msg("[4,null]"));
    expect(() => reshape(x, bad([true]))).toThrow(msg("[true]"));
    expect(reshape(x, [4]).shape).toEqual([4]);
  });

  it("slice wants a number axis and start", () => {
    expect(() => slice(x, bad("0"), 0, 1)).toThrow(new TypeError("slice: argument 'axis' must be a number, got \"0\""));
    expect(() => slice(x, 0, bad(null), bad(1))).toThrow(new TypeError("slice: argument 'start' must be a number, got null"));
    expect(toArray(slice(x, 1, 1, 2))).toEqual([[2], [4]]);
  });
});

describe("shapes an op does not take", () => {
  it("transpose takes 2-D tensors only and points to permute", () => {
    expect(() => transpose(bad(zeros([2, 3, 4])))).toThrow(new ShapeError("transpose", "expects a 2-D tensor, got [2, 3, 4] (use permute for other ranks)"));
    expect(() => transpose(bad(zeros([3])))).toThrow(new ShapeError("transpose", "expects a 2-D tensor, got [3] (use permute for other ranks)"));
  });

  it("transpose takes no axes: a perm, as NumPy's transpose(x, axes) or PyTorch's transpose(x, 0, 1), is refused pointing to permute", () => {
    const call = transpose as unknown as (...a: unknown[]) => unknown;
    const x3 = zeros([2, 3, 4]);
    // before: the perm was ignored ([0, 1] transposed anyway)
    expect(() => call(x, [0, 1])).toThrow(new TypeError("transpose: takes one argument, the 2-D tensor x; got a second argument, [0, 1] (for axes, use permute(x, [0, 1]))"));
    expect(() => call(x3, [0, 2, 1])).toThrow(new TypeError("transpose: takes one argument, the 2-D tensor x; got a second argument, [0, 2, 1] (for axes, use permute(x, [0, 2, 1]))"));
    expect(() => call(x, 0, 1)).toThrow(/^transpose: takes one argument, the 2-D tensor x; got the axes 0, 1 \(for axes, use permute\)$/);
    expect(() => call(x, { perm: [1, 0] })).toThrow(new TypeError("transpose: takes one argument, the 2-D tensor x; got a second argument, an object (for axes, use permute)"));
    // a number with something other than an array after it is a second argument, not axes
    expect(() => call(x, 0, "1")).toThrow(new TypeError("transpose: takes one argument, the 2-D tensor x; got a second argument, 0 (for axes, use permute)"));
    expect(() => call(x, [0, 1], 2)).toThrow(new TypeError("transpose: takes one argument, the 2-D tensor x; got a second argument, [0, 1] (for axes, use permute(x, [0, 1]))"));
    // a perm is quoted when it is a short array of numbers only; a string is shown as one
    const perm32 = new Array<number>(32).fill(0);
    expect(() => call(x, perm32)).toThrow(
      new TypeError(`transpose: takes one argument, the 2-D tensor x; got a second argument, [${perm32.join(", ")}] (for axes, use permute(x, [${perm32.join(", ")}]))`),
    );
    expect(() => call(x, new Array<number>(33).fill(0))).toThrow(new TypeError("transpose: takes one argument, the 2-D tensor x; got a second argument, an array of 33 (for axes, use permute)"));
    expect(() => call(x, [0, "1"])).toThrow(new TypeError("transpose: takes one argument, the 2-D tensor x; got a second argument, an array of 2 (for axes, use permute)"));
    expect(() => call(x, "01")).toThrow(new TypeError('transpose: takes one argument, the 2-D tensor x; got a second argument, "01" (for axes, use permute)'));
    // what Array.from hands its map function (the value and the index) is not read as axes either
    expect(Array.from([x], transpose as never).map((t) => toArray(t as never))).toEqual([
      [
        [1, 3],
        [2, 4],
      ],
    ]);
    // what Array.prototype.map hands a callback (the index and the array) is not read as axes
    expect([x, x].map(transpose as never).map((t) => toArray(t as never))).toEqual([
      [
        [1, 3],
        [2, 4],
      ],
      [
        [1, 3],
        [2, 4],
      ],
    ]);
  });

  it("softmax, logSumExp and argmax name themselves for an axis out of range", () => {
    expect(() => softmax(x, bad(2))).toThrow(new ShapeError("softmax", "axis 2 is out of range for [2, 2] (rank 2)"));
    expect(() => logSumExp(x, bad(3))).toThrow(new ShapeError("logSumExp", "axis 3 is out of range for [2, 2] (rank 2)"));
    // argmax's shape twin is its primitive's rule
    expect(() => argmaxDef.shape([[2, 2]], 2)).toThrow(new ShapeError("argmax", "axis 2 is out of range for [2, 2] (rank 2)"));
    expect(argmaxDef.shape([[2, 3]], -1)).toEqual([2]);
  });

  it("an axis that is not a number says so (a string '1' from JSON was 'axis 1 is out of range for [2, 2]')", () => {
    expect(() => softmax(x, bad("1"))).toThrow(new TypeError("softmax: argument 'axis' must be an integer, got \"1\""));
    expect(() => concat([x, x], bad("0"))).toThrow(new TypeError("concat: argument 'axis' must be an integer, got \"0\""));
    expect(() => argmaxDef.shape([[2, 2]], bad(null))).toThrow(new TypeError("argmax: argument 'axis' must be an integer, got null"));
    // numbers keep their message
    expect(() => softmax(x, bad(1.5))).toThrow(new ShapeError("softmax", "axis 1.5 is out of range for [2, 2] (rank 2)"));
  });

  it("leakyRelu's and elu's alpha must be finite (NaN had made every negative input NaN)", () => {
    const z = tensor([-1, 2]);
    expect(() => leakyRelu(z, Number.NaN)).toThrow(new RangeError("leakyRelu: argument 'alpha' must be a finite number, got NaN"));
    expect(() => elu(z, Number.POSITIVE_INFINITY)).toThrow(new RangeError("elu: argument 'alpha' must be a finite number, got Infinity"));
    expect(toArray(leakyRelu(z, 0.5))).toEqual([-0.5, 2]);
  });

  it("the reductions' keepDims must be a boolean (an options object was truthy and kept the axis)", () => {
    // before: mean(x, 0, { keepdims: true }) returned [1, 2], sum(x, 0, "no") too
    expect(() => mean(x, 0, bad({ keepdims: true }))).toThrow(new TypeError("mean: argument 'keepDims' must be a boolean, got an object"));
    expect(() => sum(x, 0, bad("no"))).toThrow(new TypeError("sum: argument 'keepDims' must be a boolean, got \"no\""));
    expect(() => logSumExp(x, 1, bad(1))).toThrow(new TypeError("logSumExp: argument 'keepDims' must be a boolean, got 1"));
    expect(mean(x, 0, true).shape).toEqual([1, 2]);
    expect(sum(x, undefined, false).shape).toEqual([]);
  });
});
