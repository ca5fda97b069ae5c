/**
 * The agreement checks of `agree.ts` on whatever adapter this process finds, for a GPU machine:
 * `bench/gpu-prepare.sh` bundles this file as `.gpu/agree.mjs` and `.gpu/run.sh` runs it after
 * the benchmark, so a lent GPU also answers whether every kernel agrees with the reference
 * backend there (SwiftShader cannot show some faults: its `fma` rounds as a product then a sum,
 * so a shader compiler contracting `w − g·lr` would only show on real hardware). Prints one line
 * per failed check or error, then a summary; exits 1 when any failed, 2 without an adapter.
 */
import { registeredOps } from "../../../src/ops/registry.js";
import { run } from "./agree.js";

// every op module, so the reference backend knows every scalar kernel (a bundle drops unused ones)
if (registeredOps.length === 0) throw new Error("no ops registered");
const report = await run();
if (report.skip !== undefined) {
  console.log(`agree: skipped: ${report.skip}`);
  process.exit(2);
}
const cases = report.cases ?? [];
const errors = report.errors ?? [];
const bad = cases.filter((c) => !(c.err <= c.tol));
for (const c of bad) console.log(`FAILED ${c.name}: err ${c.err} > tol ${c.tol}`);
for (const e of errors) console.log(`ERROR ${e}`);
console.log(`agree on ${report.adapter}: ${cases.length} checks, ${bad.length} failed, ${errors.length} errors`);
// Dawn keeps handles open: leave now that everything is printed
process.exit(bad.length + errors.length > 0 ? 1 : 0);
