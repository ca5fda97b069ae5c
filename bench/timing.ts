/** Medians with warm-up, for synchronous and asynchronous bodies. */

export interface Timing {
  readonly median_ms: number;
  readonly reps: number;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
};

/**
 * Warm-up: at least `warmup` runs and, JIT tiers being what they are (a training step is
 * hundreds of JS functions that V8 optimises only after many calls), until `WARMUP_MS` have
 * passed (at most 200 runs). Measured here: 3 warm-up steps left the MLP step's median 1.6–2.7×
 * slower than after 500.
 */
const WARMUP_MS = 400;

/** Run `fn` through the warm-up, then at least `minReps` times and until `budgetMs` is spent (≤ 200 reps). */
export const measure = (fn: () => void, budgetMs = 1500, minReps = 10, warmup = 3): Timing => {
  const w0 = performance.now();
  for (let i = 0; i < warmup || (performance.now() - w0 < WARMUP_MS && i < 200); i++) fn();
  const ts: number[] = [];
  const start = performance.now();
  while (ts.length < minReps || (performance.now() - start < budgetMs && ts.length < 200)) {
    const t0 = performance.now();
    fn();
    ts.push(performance.now() - t0);
  }
  return { median_ms: median(ts), reps: ts.length };
};

/** The same for a body that must be awaited. */
export const measureAsync = async (fn: () => Promise<void>, budgetMs = 1500, minReps = 10, warmup = 3): Promise<Timing> => {
  const w0 = performance.now();
  for (let i = 0; i < warmup || (performance.now() - w0 < WARMUP_MS && i < 200); i++) await fn();
  const ts: number[] = [];
  const start = performance.now();
  while (ts.length < minReps || (performance.now() - start < budgetMs && ts.length < 200)) {
    const t0 = performance.now();
    await fn();
    ts.push(performance.now() - t0);
  }
  return { median_ms: median(ts), reps: ts.length };
};
