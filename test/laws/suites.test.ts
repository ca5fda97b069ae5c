/**
 * The algebra laws, the course's identities and the optimizer laws, on the library's ops, layers and optimizers (cases per law:
 * `TYPEGRAD_LAW_RUNS`, default 20).
 */
import { describe, expect, it } from "vitest";
import { lawRuns } from "../../laws/outcome.js";
import { algebraSuite, courseSuite, optimizerSuite, runSuite, type SuiteEntry } from "../../laws/suites.js";

const numRuns = lawRuns(20);

const rows = (entries: readonly SuiteEntry[]) => entries.map((e) => [`${e.subject}: ${e.law}`, e] as const);

describe("algebra", () => {
  it.each(rows(algebraSuite()))("%s", (_name, e) => {
    const [outcome] = runSuite([e], { numRuns });
    expect(outcome?.ok, outcome?.message).toBe(true);
  });
});

describe("the course's identities", () => {
  it.each(rows(courseSuite()))("%s", (_name, e) => {
    const [outcome] = runSuite([e], { numRuns });
    expect(outcome?.ok, outcome?.message).toBe(true);
  });
});

describe("optimizers", () => {
  it.each(rows(optimizerSuite()))("%s", (_name, e) => {
    const [outcome] = runSuite([e], { numRuns });
    expect(outcome?.ok, outcome?.message).toBe(true);
  });
});
