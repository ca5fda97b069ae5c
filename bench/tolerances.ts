/**
 * How close each op's forward error comes to the tolerance its error model derives (`spec.error`):
 * draws cases with the law kit's samplers on both backends and in both dtypes, and prints the
 * worst `|got − expected| / max(1, |got|, |expected|)` as a fraction of the tolerance.
 *
 *     npx tsx bench/tolerances.ts [op,op,…] [cases per op, default 100]
 *
 * A fraction above 1 is a forward-law failure; one far below 1 is a loose model.
 */
import fc from "fast-check";
import { drawCase } from "../laws/arbitraries.js";
import { forwardToleranceOf, toDense } from "../laws/checkOp.js";
import { setBackend } from "../src/backend/current.js";
import { reference } from "../src/backend/reference.js";
import { wasm } from "../src/backend/wasm/index.js";
import type { AnyOpDef } from "../src/ops/registry.js";
import { registeredOps } from "../src/ops/registry.js";
import { toFlat } from "../src/tensor/create.js";

const only = process.argv[2] ? process.argv[2].split(",") : undefined;
const cases = Number(process.argv[3] ?? 100);

/** The worst error of `def` over `cases` drawn cases, as a fraction of each case's tolerance. */
const worst = (def: AnyOpDef, dtype: "float32" | "float64") => {
  let ratio = 0;
  let err = 0;
  let tol = 0;
  for (const g of fc.sample(fc.gen(), { numRuns: cases, seed: 7 })) {
    const d = drawCase(def.spec, g, { dtype });
    const out = toFlat(def.spec.call(d.inputs, d.case.params));
    const ref = def.spec.reference(d.inputs.map(toDense), d.case.params).data;
    const t = forwardToleranceOf(def.spec, d.case, dtype);
    ref.forEach((e, i) => {
      const a = out[i] as number;
      if (!(Number.isFinite(a) && Number.isFinite(e))) return;
      const x = Math.abs(a - e) / Math.max(1, Math.abs(a), Math.abs(e));
      const r = t === 0 ? (x === 0 ? 0 : Number.POSITIVE_INFINITY) : x / t;
      if (r > ratio) [ratio, err, tol] = [r, x, t];
    });
  }
  return { ratio, err, tol };
};

const rows: { backend: string; op: string; dtype: string; "worst / tolerance": number; "worst error": number; tolerance: number }[] = [];
for (const [name, backend] of [
  ["reference", reference],
  ["wasm", wasm],
] as const) {
  setBackend(backend);
  for (const def of registeredOps.filter((d) => only === undefined || only.includes(d.name))) {
    for (const dtype of def.spec.dtypes ?? (["float32", "float64"] as const)) {
      const w = worst(def, dtype);
      rows.push({ backend: name, op: def.name, dtype, "worst / tolerance": Number(w.ratio.toPrecision(3)), "worst error": Number(w.err.toPrecision(3)), tolerance: Number(w.tol.toPrecision(3)) });
    }
  }
}
rows.sort((a, b) => b["worst / tolerance"] - a["worst / tolerance"]);
console.table(rows.slice(0, 15));
console.log(`${rows.length} op × backend × dtype rows, ${cases} cases each; the worst is ${rows[0]?.["worst / tolerance"]} of its tolerance`);
