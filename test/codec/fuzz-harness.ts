/**
 * The total-behaviour check every hostile fuzz case goes through: the call returns (a throw
 * fails the case), within `HANG_MS` (a hang guard, not a speed assertion), and grows the heap
 * plus array buffers by less than `MEMORY_SLACK + MEMORY_FACTOR × inputBytes` (the "stated
 * multiple" of SECURITY.md, with slack for garbage not yet collected).
 */
import { fuzzRuns } from "./fuzz-arbitraries.js";

/** A case taking longer than this is a hang. */
export const HANG_MS = 1000;

/** Bytes of growth allowed whatever the input (garbage not yet collected). */
export const MEMORY_SLACK = 64 * 2 ** 20;

/** Bytes of growth allowed per byte of input. */
export const MEMORY_FACTOR = 64;

/** Property cases counted by `counted` in this worker (one test file). */
export let totalCases = 0;

/** A property's predicate that counts its cases. */
export const counted =
  <A extends unknown[]>(f: (...args: A) => boolean) =>
  (...args: A): boolean => {
    totalCases++;
    return f(...args);
  };

const used = (): number => {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

/** Run `f` as one fuzz case: its result, or an exception naming what was exceeded. */
export const total = <A>(what: string, inputBytes: number, f: () => A): A => {
  const m0 = used();
  const t0 = performance.now();
  const a = f();
  const ms = performance.now() - t0;
  const grown = used() - m0;
  if (ms > HANG_MS) throw new Error(`${what}: took ${ms.toFixed(0)} ms (hang guard ${HANG_MS} ms)`);
  const bound = MEMORY_SLACK + MEMORY_FACTOR * inputBytes;
  if (grown > bound) throw new Error(`${what}: grew memory by ${grown} bytes, above ${bound} for ${inputBytes} input bytes`);
  return a;
};

/** Runs of a property whose default weight is `base` cases, scaled by `TYPEGRAD_FUZZ_RUNS` (default 200). */
export const runs = (base: number): { numRuns: number } => ({ numRuns: Math.max(1, Math.round((base * fuzzRuns) / 200)) });
