/**
 * The registry covers every op of the public API, completely. Every function that a module of
 * `src/ops/` exports and `typegrad` exports too must be a registered op (or another name of one,
 * `swish` for `silu`), every registered op must be exported (the root entry re-exports the
 * generated `src/ops/index.generated.ts`), and every entry must have every
 * part: name, kind, math, shape twin, forward (with a kernel's scalar function and both WASM
 * bodies, or a backend method, an alias or a composition), pullback, and a law spec with its
 * forward error model (the law tolerances derive from it, per dtype and case; no fixed tolerance).
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import * as typegrad from "typegrad";
import { describe, expect, it } from "vitest";
import { type AnyOpDef, registeredOps, registry } from "../src/ops/registry.js";

const root = join(import.meta.dirname, "..");

const exported = typegrad as unknown as Record<string, unknown>;

/** The public names of the functions the modules of `src/ops/` export (what `typegrad` exports of them, under any name). */
const opExports = async (): Promise<string[]> => {
  const fns = new Set<unknown>();
  for (const f of readdirSync(join(root, "src", "ops"))) {
    if (!f.endsWith(".ts") || f.endsWith(".generated.ts")) continue;
    const mod = (await import(join(root, "src", "ops", f))) as Record<string, unknown>;
    for (const v of Object.values(mod)) if (typeof v === "function") fns.add(v);
  }
  return Object.keys(exported).filter((n) => fns.has(exported[n]));
};

const byName = new Map<string, AnyOpDef>(registeredOps.map((d) => [d.name, d]));

/** The registered op a public name stands for: its own entry, or the entry of the same function. */
const entryOf = (name: string): AnyOpDef | undefined => byName.get(name) ?? [...byName.values()].find((d) => exported[d.name] !== undefined && exported[d.name] === exported[name]);

/** The parts an entry lacks, as words. */
const missingParts = (d: AnyOpDef): string[] => {
  const m: string[] = [];
  const fn = (u: unknown) => typeof u === "function";
  if (typeof d.name !== "string" || d.name === "") m.push("name");
  if (d.kind !== "primitive" && d.kind !== "composite") m.push("kind");
  if (typeof d.doc !== "string" || d.doc.trim() === "") m.push("doc");
  if (!fn(d.shape)) m.push("shape twin");
  const f = d.forward as AnyOpDef["forward"] | undefined;
  if (f === undefined) m.push("forward");
  else if (f.kind === "unary") {
    if (f.name !== d.name) m.push("kernel name");
    if (!fn(f.scalar)) m.push("kernel scalar function");
    if (!(f.wasm.f32.trim() && f.wasm.f64.trim())) m.push("WASM kernel body (f32 and f64)");
    if (!(f.accuracy.lo < f.accuracy.hi && f.accuracy.ulp >= 0)) m.push("kernel accuracy");
  } else if (f.kind === "binary") {
    if (f.name !== d.name) m.push("kernel name");
    if (!fn(f.scalar)) m.push("kernel scalar function");
    if (f.wasm.trim() === "") m.push("WASM kernel body");
  } else if (f.kind === "backend") {
    if (!fn((typegrad.reference as unknown as Record<string, unknown>)[f.method])) m.push(`backend method '${f.method}'`);
  } else if (f.kind !== "alias" && f.kind !== "composite") m.push("forward kind");
  const p = d.pullback as unknown;
  if (!(fn(p) || p === "nondiff" || p === "composite" || p === "custom")) m.push("pullback");
  if (d.kind === "composite" && !(p === "composite" && f?.kind === "composite")) m.push("a composite's forward and pullback are its parts'");
  if (d.kind === "primitive" && (p === "composite" || f?.kind === "composite")) m.push("a primitive's own forward and pullback");
  if (p === "nondiff" && d.spec.nondiff !== true) m.push("spec.nondiff for a nondiff pullback");
  if (!(fn(d.spec?.sample) && fn(d.spec?.call) && fn(d.spec?.reference))) m.push("law spec (sample, call, reference)");
  const e = d.spec?.error as AnyOpDef["spec"]["error"] | undefined;
  const ulps = (t: unknown) => typeof t === "number" && Number.isFinite(t) && t >= 0;
  if (e === undefined || !ulps(e.ulps?.float32) || !ulps(e.ulps?.float64) || (e.terms !== undefined && !fn(e.terms))) m.push("error model (spec.error: ulps per dtype, terms)");
  if (d.spec?.tolerance !== undefined) m.push("a derived tolerance (spec.error), not a fixed spec.tolerance");
  return m;
};

describe("the op registry", () => {
  it("covers every op typegrad exports (every function of src/ops that typegrad exports)", async () => {
    const names = await opExports();
    expect(names.length).toBeGreaterThan(50);
    const unregistered = names.filter((n) => typeof exported[n] === "function" && entryOf(n) === undefined);
    expect(unregistered, "exported from src/ops but not in src/ops/registry.ts").toEqual([]);
  });

  it("every registered op is exported from typegrad under its name", async () => {
    const names = new Set(await opExports());
    expect(registeredOps.filter((d) => !names.has(d.name) || typeof exported[d.name] !== "function").map((d) => d.name)).toEqual([]);
  });

  it.each(registeredOps.map((d) => [d.name, d] as const))("%s has every part", (name, d) => {
    expect(registry[name as keyof typeof registry]).toBe(d);
    expect(missingParts(d)).toEqual([]);
  });

  it("notices an op that lacks a part, and an exported op with no entry", () => {
    const { shape: _shape, ...noShape } = registry.exp;
    expect(missingParts(noShape as unknown as AnyOpDef)).toEqual(["shape twin"]);
    const noWasm = { ...registry.softplus, forward: { ...registry.softplus.forward, wasm: { f32: "", f64: "Math.exp(v)" } } };
    expect(missingParts(noWasm as unknown as AnyOpDef)).toEqual(["WASM kernel body (f32 and f64)"]);
    expect(missingParts({ ...registry.elu, pullback: (() => []) as never } as unknown as AnyOpDef)).toEqual(["a composite's forward and pullback are its parts'"]);
    const { error: _error, ...noError } = registry.batchNorm.spec;
    expect(missingParts({ ...registry.batchNorm, spec: noError } as unknown as AnyOpDef)).toEqual(["error model (spec.error: ulps per dtype, terms)"]);
    expect(missingParts({ ...registry.astype, spec: { ...registry.astype.spec, tolerance: { float32: 1e-3, float64: 1e-6 } } } as unknown as AnyOpDef)).toEqual([
      "a derived tolerance (spec.error), not a fixed spec.tolerance",
    ]);
    byName.delete("mish");
    try {
      expect(entryOf("mish")).toBeUndefined();
      expect(entryOf("swish")?.name).toBe("silu");
    } finally {
      byName.set("mish", registry.mish as unknown as AnyOpDef);
    }
  });
});
