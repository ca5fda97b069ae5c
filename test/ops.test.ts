/**
 * Every registered op, driven by the registry (a new op needs no new test): forward against its
 * spec's reference on random shapes (both dtypes unless the spec says otherwise), the runtime
 * output shape against the reference's shape rule, and for differentiable ops the gradient laws
 * in float64 (dot product against central differences in a random direction, cotangent shapes,
 * pullback linearity, full Jacobian on tiny shapes, grad of grad for `secondOrder` specs).
 * Non-differentiable ops pass no cotangent back. Cases per law: `TYPEGRAD_LAW_RUNS` (default 20).
 */
import { describe, expect, it } from "vitest";
import { opProperties } from "../laws/checkOp.js";
import { lawRuns, runProperties } from "../laws/outcome.js";
import { registeredOps } from "../src/ops/registry.js";

const numRuns = lawRuns(20);

describe.each(registeredOps.map((def) => [def.name, def] as const))("%s", (name, def) => {
  it.each(opProperties(def).map((p) => [p.law, p] as const))("%s", (_law, p) => {
    const [outcome] = runProperties(name, [p], { numRuns });
    expect(outcome?.ok, outcome?.message).toBe(true);
  });
});
