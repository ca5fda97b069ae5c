/** Medians with warm-up, for synchronous and asynchronous bodies. */

export interface Timing {
  readonly median_ms: number;
  readonly reps: number;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
};

/** Run `fn` `warmup` times, then at least `minReps` times and until `budgetMs` is spent (≤ 200 reps). */
export const measure = (fn: () => void, budgetMs = 1500, minReps = 10, warmup = 3): Timing => {
  for (let i = 0; i < warmup; i++) fn();
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
  for (let i = 0; i < warmup; i++) await fn();
  const ts: number[] = [];
  const start = performance.now();
  while (ts.length < minReps || (performance.now() - start < budgetMs && ts.length < 200)) {
    const t0 = performance.now();
    await fn();
    ts.push(performance.now() - t0);
  }
  return { median_ms: median(ts), reps: ts.length };
};
