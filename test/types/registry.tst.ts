/**
 * The registry's types: an op entry without every part (shape twin, forward, pullback, law spec)
 * is not an `OpDef`, so it does not compile; op names are the registry's keys.
 */
import { describe, expect, test } from "tstyche";
import type { OpName } from "../../src/ops/registry.js";
import type { OpDef, Spec } from "../../src/ops/spec.js";

declare const spec: Spec<void>;
const twin = (ss: readonly (readonly number[])[]) => ss[0] ?? [];

describe("OpDef", () => {
  test("a complete entry is an OpDef", () => {
    expect({ name: "x", kind: "composite", doc: "x", shape: twin, forward: { kind: "composite" }, pullback: "composite", spec } as const).type.toBeAssignableTo<OpDef<void>>();
  });

  test("an entry without a shape twin, a forward or a pullback is not", () => {
    expect({ name: "x", kind: "composite", doc: "x", forward: { kind: "composite" }, pullback: "composite", spec } as const).type.not.toBeAssignableTo<OpDef<void>>();
    expect({ name: "x", kind: "composite", doc: "x", shape: twin, pullback: "composite", spec } as const).type.not.toBeAssignableTo<OpDef<void>>();
    expect({ name: "x", kind: "composite", doc: "x", shape: twin, forward: { kind: "composite" }, spec } as const).type.not.toBeAssignableTo<OpDef<void>>();
  });

  test("an elementwise kernel needs its scalar function and both WASM bodies", () => {
    const noWasm = { kind: "unary", name: "exp", scalar: Math.exp, costly: true, accuracy: { lo: 0, hi: 1, ulp: 1 } } as const;
    expect({ name: "x", kind: "primitive", doc: "x", shape: twin, forward: noWasm, pullback: "nondiff", spec } as const).type.not.toBeAssignableTo<OpDef<void>>();
  });
});

describe("OpName", () => {
  test("is derived from the registry's keys", () => {
    expect<"softplus">().type.toBeAssignableTo<OpName>();
    expect<"matmul">().type.toBeAssignableTo<OpName>();
    expect<"notAnOp">().type.not.toBeAssignableTo<OpName>();
  });
});
