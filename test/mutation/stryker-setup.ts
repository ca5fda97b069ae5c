/**
 * Loaded before every test file in mutation runs only (vitest.stryker.config.ts): a failing
 * fast-check property stops at its first counterexample instead of shrinking it. A mutant only
 * needs to fail; shrinking a broken autodiff core's counterexample took longer than the mutant's
 * timeout, so each such mutant cost a full timeout instead of a fraction of a second.
 */
import fc from "fast-check";

fc.configureGlobal({ ...fc.readConfigureGlobal(), endOnFailure: true });
