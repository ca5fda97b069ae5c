/**
 * `npm run laws`: every law on every registered op, the algebra laws and the course's
 * identities, as a table (subject × law, cases run, result). Cases per law: `TYPEGRAD_LAW_RUNS`
 * (default 100). Exits with 1 when a law fails, after printing each failure.
 *
 * @module
 */
import { registeredOps } from "../src/ops/registry.js";
import { runOpLaws } from "./checkOp.js";
import { drawOutcomes, type LawOutcome, lawRuns } from "./outcome.js";
import { algebraSuite, courseSuite, optimizerSuite, runSuite } from "./suites.js";

const numRuns = lawRuns(100);

const sections: [string, () => LawOutcome[]][] = [
  ["ops (registry)", () => registeredOps.flatMap((def) => runOpLaws(def, { numRuns }))],
  ["algebra", () => runSuite(algebraSuite(), { numRuns })],
  ["the course's identities", () => runSuite(courseSuite(), { numRuns })],
  ["optimizers", () => runSuite(optimizerSuite(), { numRuns })],
];

const pad = (s: string, n: number): string => s + " ".repeat(Math.max(0, n - [...s].length));

const all: LawOutcome[] = [];
for (const [title, run] of sections) {
  const t0 = performance.now();
  const rows = run();
  all.push(...rows);
  const w1 = Math.max(7, ...rows.map((r) => [...r.subject].length));
  const w2 = Math.max(3, ...rows.map((r) => [...r.law].length));
  console.log(`\n## ${title} (${rows.length} laws, ${((performance.now() - t0) / 1000).toFixed(1)} s)\n`);
  console.log(`${pad("subject", w1)}  ${pad("law", w2)}  ${pad("cases", 5)}  result`);
  console.log(`${"-".repeat(w1)}  ${"-".repeat(w2)}  -----  ------`);
  for (const r of rows) console.log(`${pad(r.subject, w1)}  ${pad(r.law, w2)}  ${String(r.runs).padStart(5)}  ${r.ok ? "ok" : "FAILED"}`);
}

const failed = all.filter((o) => !o.ok);
console.log(`\n${all.length} laws, ${all.reduce((s, o) => s + o.runs, 0)} cases, ${failed.length} failed (${numRuns} cases per law; set TYPEGRAD_LAW_RUNS for more)`);
if (failed.length > 0) {
  console.log(`\n${drawOutcomes(failed)}`);
  process.exitCode = 1;
}
