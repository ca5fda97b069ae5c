// @ts-check
/**
 * Mutation testing (`npm run mutation`, not part of `npm test`): StrykerJS mutates the code of
 * src/ops, src/nn, src/optim and src/autodiff and runs, for each mutant, the tests that cover it
 * (`coverageAnalysis: "perTest"`, the test files of vitest.stryker.config.ts). A mutant no test
 * kills is a survivor: kill it with a test or list it in test/mutation/equivalent.md with why it
 * is equivalent.
 *
 * One folder at a time fits a small machine:
 *   npm run mutation -- --mutate 'src/optim/**\/*.ts'
 * Incremental: results are kept in test/mutation/incremental.json (git-ignored), so a rerun only
 * tests mutants whose code or covering tests changed; `--force` reruns everything.
 *
 * @type {import("@stryker-mutator/api/core").PartialStrykerOptions}
 */
export default {
  testRunner: "vitest",
  vitest: { configFile: "vitest.stryker.config.ts", related: false },
  coverageAnalysis: "perTest",
  mutate: [
    "src/ops/**/*.ts",
    "src/nn/**/*.ts",
    "src/optim/**/*.ts",
    "src/autodiff/**/*.ts",
    // re-export lists and declarations only
    "!src/**/index.ts",
    "!src/ops/types.ts",
    "!src/ops/registry.ts",
  ],
  // static mutants (module-level code) need a full reload and every test per mutant
  ignoreStatic: true,
  concurrency: 2,
  // A mutant's run may take its covering tests' dry-run time ×1.5 + 10 s before it counts as a
  // Timeout. Every test covers the autodiff core, so a core.ts mutant that no early test kills
  // runs the whole suite: on a loaded 2-core machine a tighter limit turned such runs into false
  // "Timeout"s (counted as killed).
  timeoutFactor: 1.5,
  timeoutMS: 10000,
  incremental: true,
  incrementalFile: "test/mutation/incremental.json",
  reporters: ["clear-text", "progress", "json"],
  jsonReporter: { fileName: "test/mutation/report.json" },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true, reportMutants: true },
  tempDirName: ".stryker-tmp",
  cleanTempDir: "always",
};
