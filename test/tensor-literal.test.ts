/**
 * `tensor(nested)` from JavaScript, where the literal's type is not checked: every input either
 * makes a well-formed tensor or throws naming `tensor`. Before, a cyclic array (`a[0] = a`)
 * grew the inferred shape until V8 aborted the process ("Fatal JavaScript invalid size error"),
 * 100,000 levels of nesting overflowed the stack, and a sparse array (`[, 1]`) made a tensor of
 * shape [2] holding one value and `undefined`.
 */
import { describe, expect, it } from "vitest";
import { tensor, toArray } from "../src/index.js";
import { ShapeError } from "../src/shape/dims.js";

const js = (u: unknown): never => u as never;

describe("tensor: nested arrays from JavaScript", () => {
  it("a cyclic array is an error, not a process abort", () => {
    const a: unknown[] = [1];
    a[0] = a;
    expect(() => tensor(js(a))).toThrow(new ShapeError("tensor", "the array is nested more than 32 levels deep (a cyclic array?)"));
  });

  it("nesting beyond 32 levels is an error before any recursion", () => {
    let deep: unknown = [1];
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(() => tensor(js(deep))).toThrow("tensor: the array is nested more than 32 levels deep");
    let ok: unknown = [7];
    for (let i = 0; i < 31; i++) ok = [ok];
    expect(tensor(js(ok)).shape).toHaveLength(32);
  });

  it("a hole in a sparse array is an error naming the element", () => {
    const sparse: number[] = new Array(2);
    sparse[1] = 1;
    expect(() => tensor(js(sparse))).toThrow(new TypeError("tensor: element [0] must be a number, got undefined"));
    const row = [3];
    row.length = 2;
    expect(() => tensor(js([[1, 2], row]))).toThrow("tensor: element [1][1] must be a number, got undefined");
    expect(
      toArray(
        tensor([
          [1, 2],
          [3, 4],
        ]),
      ),
    ).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });
});
