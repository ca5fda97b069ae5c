/**
 * What every example shares: quick mode (`TYPEGRAD_QUICK=1`, used by `npm test`), claims that
 * print and set a failing exit code, and the output folder.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";

/** True when the example should run briefly (the test suite sets `TYPEGRAD_QUICK=1`). */
export const quick = process.env.TYPEGRAD_QUICK === "1";

let failures = 0;

/** Print a claim with its evidence; a false one makes the process exit non-zero. */
export const claim = (ok: boolean, what: string): void => {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) {
    failures++;
    process.exitCode = 1;
  }
};

/** Print a summary of the claims (call last). */
export const done = (name: string): void => {
  console.log(failures === 0 ? `${name}: every claim holds` : `${name}: ${failures} claim(s) failed`);
};

/** `out/<name>`, creating `out/`. */
export const outPath = (name: string): string => {
  const dir = join(import.meta.dirname, "..", "..", "out");
  mkdirSync(dir, { recursive: true });
  return join(dir, name);
};
