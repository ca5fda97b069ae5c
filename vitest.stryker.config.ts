/**
 * The tests StrykerJS runs against each mutant of `src/ops`, `src/nn`, `src/optim` and
 * `src/autodiff` (`npm run mutation`, see stryker.config.mjs): the main configuration, narrowed
 * to the test files that exercise those folders (the type tests, the packed tarball, the API
 * report and the file-format tests cannot kill a mutant there and would only slow each run; the
 * documentation-examples test reads the sources' exports and comments, which the instrumented
 * copies no longer match).
 */
import { defineConfig } from "vitest/config";
import base from "./vitest.config.js";

// (not mergeConfig: it would concatenate the include lists)
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    // 5 cases per law instead of 20 (vitest.config.ts has the default): a law breaks on its first
    // cases for almost every mutant, and each mutant's run costs its covering tests' time. A
    // survivor is killed by a deterministic test or listed as equivalent for a structural reason
    // (test/mutation/equivalent.md), never left to more random cases.
    env: { ...base.test?.env, TYPEGRAD_LAW_RUNS: "5" },
    setupFiles: ["test/mutation/stryker-setup.ts"],
    include: [
      "test/ops.test.ts",
      "test/ops-wasm.test.ts",
      "test/ops/**/*.test.ts",
      "test/core.test.ts",
      "test/registry.test.ts",
      "test/robustness.test.ts",
      "test/laws/**/*.test.ts",
      // it checks the law kit's generators along their shrink paths, which stryker-setup.ts turns off
      "!test/laws/arbitraries.test.ts",
      "test/nn/**/*.test.ts",
      "test/optim/**/*.test.ts",
      "test/autodiff/**/*.test.ts",
      "test/train/**/*.test.ts",
      // what the autodiff core gives back to the WASM backend's memory (tidy, giveBack, release)
      "test/backend/wasm-memory.test.ts",
      // architecture JSON and checkpoints of src/nn's layers
      "test/codec/model.test.ts",
      "test/codec/checkpoint.test.ts",
    ],
  },
});
