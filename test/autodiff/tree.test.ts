/**
 * Parameter trees (`src/autodiff/tree.ts`): `flattenTree`, which `grad`, `vjp` and `scan` use to
 * walk their arguments, and `namedLeaves`, which names every tensor for checkpoints and the codecs.
 * What leaves they find, in which order, the names they give, and the errors that name the
 * function, the argument and the path to the bad value.
 */
import { describe, expect, it } from "vitest";
import { flattenTree, namedLeaves, type Params, type Spine, treeLeaves } from "../../src/autodiff/tree.js";
import { adam, grad, sum } from "../../src/index.js";
import { tensor } from "../../src/tensor/create.js";
import type { Tensor } from "../../src/tensor/tensor.js";

const a = tensor([1]);
const b = tensor([2]);
const c = tensor([3]);

describe("flattenTree", () => {
  it("finds the leaves depth first and rebuilds the same structure from other leaves", () => {
    const tree = { W: a, layers: [{ b }, [c]], skip: undefined } as unknown as Params;
    const { leaves, rebuild } = flattenTree("grad", tree);
    expect(leaves).toEqual([a, b, c]);
    expect(leaves[0]).toBe(a);
    expect(leaves[2]).toBe(c);
    const again = rebuild([c, a, b]) as { W: Tensor; layers: [{ b: Tensor }, [Tensor]] };
    expect(Object.keys(again)).toEqual(["W", "layers"]); // an undefined field is dropped
    expect(again.W).toBe(c);
    expect(again.layers[0].b).toBe(a);
    expect(again.layers[1][0]).toBe(b);
    expect(Array.isArray(again.layers)).toBe(true);
    expect(flattenTree("grad", a).rebuild([b])).toBe(b);
  });
  it("gives the tree's spine on request: one entry per place, depth first, each before what it holds", () => {
    const tree = { W: a, layers: [{ b, skip: undefined }, [c]], none: [] } as unknown as Params;
    const spine: Spine = [];
    const { leaves } = flattenTree("mapParams", tree, "argument 'tree'", spine);
    expect(leaves).toEqual([a, b, c]);
    // a record's field names (an undefined field left out), an array's length, a leaf's tensor
    expect(spine).toEqual([["W", "layers", "none"], a, 2, ["b"], b, 1, c, 0]);
    expect(spine[1]).toBe(a);
    const lone: Spine = [];
    flattenTree("mapParams", a, "argument 'tree'", lone);
    expect(lone).toEqual([a]);
  });
  it("rebuilds a field named __proto__ as an own, ordinary field (as Object.fromEntries does), not as the prototype", () => {
    // (as JSON.parse gives it)
    const tree: Record<string, unknown> = {};
    Object.defineProperty(tree, "__proto__", { value: a, enumerable: true, writable: true, configurable: true });
    tree.W = b;
    const { leaves, rebuild } = flattenTree("grad", tree as Params);
    expect(leaves).toEqual([a, b]);
    const again = rebuild([c, a]) as Record<string, unknown>;
    expect(Object.getPrototypeOf(again)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(again, "__proto__")).toEqual({ value: c, enumerable: true, writable: true, configurable: true });
    expect(Object.keys(again)).toEqual(["__proto__", "W"]);
  });
  it("accepts records without a prototype and refuses class instances", () => {
    const bare = Object.assign(Object.create(null) as Record<string, Tensor>, { w: a });
    expect(flattenTree("grad", bare).leaves).toEqual([a]);
    class Holder {
      w = a;
    }
    expect(() => flattenTree("grad", { inner: new Holder() } as unknown as Params)).toThrow("grad: parameters must be tensors, arrays or records of tensors; 'inner' is a Holder");
  });
  it("names the function, what is walked and the path to a bad value", () => {
    expect(() => flattenTree("grad", 3 as unknown as Params)).toThrow("grad: parameters must be tensors, arrays or records of tensors; the argument is number 3");
    expect(() => flattenTree("vjp", { layers: [{ W: a }, { W: null }] } as unknown as Params)).toThrow("vjp: parameters must be tensors, arrays or records of tensors; 'layers[1].W' is null");
    expect(() => flattenTree("scan", [a, "x"] as unknown as Params, "the carry f returns")).toThrow("scan: the carry f returns must be tensors, arrays or records of tensors; '[1]' is string x");
    // undefined is left out of a record (an optional parameter), but is no leaf of an array or the whole tree
    expect(() => flattenTree("grad", [a, undefined] as unknown as Params)).toThrow(new TypeError("grad: parameters must be tensors, arrays or records of tensors; '[1]' is undefined"));
    expect(() => flattenTree("vjp", undefined as unknown as Params)).toThrow(new TypeError("vjp: parameters must be tensors, arrays or records of tensors; the argument is undefined"));
  });
});

describe("flattenTree: cycles and deep trees (grad, the optimizers' init, fit)", () => {
  // before: "Maximum call stack size exceeded" from adam(…).init(p) or grad(f)(p) with p.self = p
  it("a cycle or nesting beyond 256 levels is an error naming the function and the path", () => {
    const p: Record<string, unknown> = { W: tensor([1, 2]) };
    p.self = p;
    expect(() => flattenTree("grad", p as Params)).toThrow(new TypeError(`grad: parameters are nested more than 256 levels deep at '${"self.".repeat(256)}self' (a cycle?)`));
    let deep: unknown = { W: tensor([1]) };
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    expect(() => flattenTree("adam.init", deep as Params)).toThrow(/^adam\.init: parameters are nested more than 256 levels deep at 'a\.a\.a/);
    let ok: unknown = tensor([1]);
    for (let i = 0; i < 256; i++) ok = [ok];
    expect(flattenTree("grad", ok as Params).leaves).toHaveLength(1);
    // past 256 levels, a value that is no array or record is named as itself, as at any depth
    for (const [bad, shown] of [
      [null, "null"],
      [3, "number 3"],
    ] as const) {
      let under: unknown = bad;
      for (let i = 0; i < 257; i++) under = [under];
      expect(() => flattenTree("grad", under as Params)).toThrow(new TypeError(`grad: parameters must be tensors, arrays or records of tensors; '${"[0]".repeat(257)}' is ${shown}`));
    }
  });

  it("the optimizers and grad refuse a cyclic tree through it", () => {
    const p: Record<string, unknown> = { W: tensor([1, 2]) };
    p.self = p;
    expect(() => adam(1e-3).init(p as Params)).toThrow(/nested more than 256 levels deep at 'self\.self/);
    expect(() => grad((q: Params) => sum((q as { W: Tensor }).W))(p as Params)).toThrow(/^grad: .*nested more than 256 levels deep/);
  });
});

describe("namedLeaves", () => {
  it("names each tensor by its path: keys joined by dots, array indices in brackets", () => {
    const named = namedLeaves("encodeCheckpoint", { W: a, layers: [{ b }, [c]] } as unknown as Params);
    expect(named.map(([n]) => n)).toEqual(["W", "layers[0].b", "layers[1][0]"]);
    expect(named.map(([, t]) => t)).toEqual([a, b, c]);
    expect(named[2]?.[1]).toBe(c);
    expect(namedLeaves("f", a)).toEqual([["", a]]);
    expect(namedLeaves("f", [a, b]).map(([n]) => n)).toEqual(["[0]", "[1]"]);
  });
  it("refuses non-tensor leaves and class instances, naming the path", () => {
    expect(() => namedLeaves("decodeParams", { layers: [{ W: 3 }] } as unknown as Params)).toThrow("decodeParams: argument 'params' must be tensors, arrays or records of tensors; 'layers[0].W' is 3");
    expect(() => namedLeaves("decodeParams", "w" as unknown as Params)).toThrow("decodeParams: argument 'params' must be tensors, arrays or records of tensors; it is \"w\"");
    expect(() => namedLeaves("f", { m: new Map() } as unknown as Params)).toThrow("f: argument 'params' must be tensors, arrays or records of tensors; 'm' is an object");
    expect(() => namedLeaves("f", { w: null } as unknown as Params)).toThrow(new TypeError("f: argument 'params' must be tensors, arrays or records of tensors; 'w' is null"));
    // a function is no record, even one whose prototype is Object.prototype
    const fn = () => 0;
    Object.setPrototypeOf(fn, Object.prototype);
    expect(() => namedLeaves("f", { w: fn } as unknown as Params)).toThrow("f: argument 'params' must be tensors, arrays or records of tensors; 'w' is a function");
  });
  it("refuses the names that are special in JavaScript objects, at any depth", () => {
    const top = JSON.parse('{"__proto__": [1]}') as Params;
    expect(() => namedLeaves("f", top)).toThrow("f: argument 'params' has a parameter named '__proto__' at '__proto__', which is not allowed (it is special in JavaScript objects)");
    expect(() => namedLeaves("f", { layers: [{ constructor: a }] } as unknown as Params)).toThrow(
      "f: argument 'params' has a parameter named 'constructor' at 'layers[0].constructor', which is not allowed",
    );
    expect(() => namedLeaves("f", { prototype: a } as unknown as Params)).toThrow("named 'prototype' at 'prototype'");
  });
  it("refuses cycles and trees deeper than 256 levels instead of recursing without bound", () => {
    const loop: Record<string, unknown> = { w: a };
    loop.self = { again: loop };
    expect(() => namedLeaves("f", loop as unknown as Params)).toThrow("f: argument 'params' contains a cycle at 'self.again'");
    const list: unknown[] = [a];
    list.push(list);
    expect(() => namedLeaves("f", list as unknown as Params)).toThrow("f: argument 'params' contains a cycle at '[1]'");
    const nest = (depth: number): unknown => {
      let t: unknown = a;
      for (let i = 0; i < depth; i++) t = [t];
      return t;
    };
    expect(namedLeaves("f", nest(257) as Params)).toHaveLength(1); // the tensor sits at depth 257
    const nestRecords = (depth: number): unknown => {
      let t: unknown = a;
      for (let i = 0; i < depth; i++) t = { a: t };
      return t;
    };
    expect(namedLeaves("f", nestRecords(257) as Params)).toHaveLength(1);
    expect(() => namedLeaves("f", nestRecords(258) as Params)).toThrow(/^f: argument 'params' is nested more than 256 levels deep at 'a(\.a){256}'$/);
    expect(() => namedLeaves("f", nest(258) as Params)).toThrow(/^f: argument 'params' is nested more than 256 levels deep at '(\[0\]){257}'$/);
  });
});

describe("treeLeaves (the training loop's walk of trees flattenTree accepted: optimizer states, new parameters)", () => {
  it("gives the tensors in flattenTree's order and skips anything but a tensor, an array or a record", () => {
    const tree = { name: "adam", W: a, t: 3, on: true, none: null, gone: undefined, layers: [b, "x", { c, tag: "bn" }] };
    expect(treeLeaves(tree)).toEqual([a, b, c]);
    expect(treeLeaves([a, [b, [c]]])).toEqual([a, b, c]);
    expect(treeLeaves("alone")).toEqual([]);
    // a record's own fields only: an inherited one is not part of the tree
    expect(treeLeaves(Object.create({ W: a }))).toEqual([]);
    const into = [c];
    expect(treeLeaves({ W: a }, into)).toBe(into);
    expect(into).toEqual([c, a]);
  });
});
