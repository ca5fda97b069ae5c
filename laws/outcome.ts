/**
 * What running a law produces: an outcome (data), turned into text only at the edge
 * (`drawOutcomes`, `assertOutcomes`). Also the number of cases per law: few in `npm test`, more
 * with the environment variable `TYPEGRAD_LAW_RUNS`.
 *
 * @module
 */
import fc from "fast-check";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * The result of one law on one subject (an op, a function, a layer, an identity).
 *
 * @category model
 * @since 0.1.0
 */
export interface LawOutcome {
  readonly subject: string;
  readonly law: string;
  /** Cases run (including the shrinking steps' failing one, when it failed). */
  readonly runs: number;
  readonly ok: boolean;
  /** What failed, for a human: the op, the shapes, the offending inputs as small tables, expected vs got. */
  readonly message?: string;
  /** What replays the failure: the run's seed (with the same `numRuns`, the same cases and the same shrunk counterexample), the law, and fast-check's shrink path. */
  readonly replay?: { readonly seed: number; readonly path: string; readonly law: string };
}

/**
 * Options of the runners.
 *
 * @category model
 * @since 0.1.0
 */
export interface RunOptions {
  /** Cases per law (default: `lawRuns()`). */
  readonly numRuns?: number;
  /** Seed, for reproducing a failure. */
  readonly seed?: number;
  /** Run only the law of this name (a replay names the law its path belongs to). */
  readonly law?: string;
}

/**
 * A named property, ready to run.
 *
 * @category model
 * @since 0.1.0
 */
export interface NamedProperty {
  readonly law: string;
  readonly property: fc.IProperty<never>;
  /** A cheaper law may run fewer cases than the others (a fraction of `numRuns`, at least 1). */
  readonly weight?: number;
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * Cases per law: `TYPEGRAD_LAW_RUNS` when set (a positive integer), otherwise `fallback`.
 *
 * @example
 * import { lawRuns } from "typegrad/laws"
 * lawRuns(5) > 0 // true (5, or 200 under TYPEGRAD_LAW_RUNS=200)
 * @category constructors
 * @since 0.1.0
 */
export const lawRuns = (fallback: number): number => {
  const raw = typeof process === "undefined" ? undefined : process.env.TYPEGRAD_LAW_RUNS;
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`lawRuns: TYPEGRAD_LAW_RUNS must be a positive integer, got ${JSON.stringify(raw)}`);
  return n;
};

/** Default cases per law. */
const DEFAULT_RUNS = 20;

/**
 * Run named properties of `subject` and collect their outcomes (never throws for a failing law).
 *
 * @example
 * import { type NamedProperty, runProperties } from "typegrad/laws"
 * import fc from "fast-check"
 * const nonnegative = fc.property(fc.double({ noNaN: true }), (x) => Math.abs(x) >= 0)
 * const props: NamedProperty[] = [{ law: "nonnegative", property: nonnegative as unknown as NamedProperty["property"] }]
 * runProperties("abs", props, { numRuns: 20 })[0] // { subject: "abs", law: "nonnegative", ok: true }
 * @category constructors
 * @since 0.1.0
 */
export const runProperties = (subject: string, props: readonly NamedProperty[], opts: RunOptions = {}): LawOutcome[] => {
  const base = opts.numRuns ?? lawRuns(DEFAULT_RUNS);
  return props
    .filter((p) => opts.law === undefined || p.law === opts.law)
    .map(({ law, property, weight }) => {
      const numRuns = Math.max(1, Math.round(base * (weight ?? 1)));
      const details = fc.check(property, opts.seed === undefined ? { numRuns } : { numRuns, seed: opts.seed });
      if (!details.failed) return { subject, law, runs: details.numRuns, ok: true };
      const error = details.errorInstance instanceof Error ? details.errorInstance.message : details.errorInstance === null ? "the property returned false" : String(details.errorInstance);
      // the error already shows the counterexample as tables; fast-check's raw draws are not repeated
      return { subject, law, runs: details.numRuns, ok: false, message: `${error}\n(shrunk ${details.numShrinks} times)`, replay: { seed: details.seed, path: details.counterexamplePath ?? "", law } };
    });
};

// -------------------------------------------------------------------------------------
// destructors
// -------------------------------------------------------------------------------------

/**
 * The failing outcomes as text, one block each.
 *
 * @example
 * import { drawOutcomes, registry, runOpLaws } from "typegrad/laws"
 * drawOutcomes(runOpLaws(registry.neg, { numRuns: 5 })) // "" (no failing law)
 * @category destructors
 * @since 0.1.0
 */
export const drawOutcomes = (outcomes: readonly LawOutcome[]): string =>
  outcomes
    .filter((o) => !o.ok)
    .map(
      (o) =>
        `${o.subject} × ${o.law}: failed after ${o.runs} cases\n${o.message ?? ""}` +
        (o.replay === undefined
          ? ""
          : `\nreplay: { seed: ${o.replay.seed}, law: ${JSON.stringify(o.replay.law)}, numRuns: ${o.runs} } as the run options (runOpLaws, checkOp, checkFunction, checkLayer); fast-check path ${JSON.stringify(o.replay.path)}`),
    )
    .join("\n\n");

/**
 * Throw an `Error` listing every failing outcome (for tests); return the outcomes otherwise.
 *
 * @example
 * import { assertOutcomes, registry, runOpLaws } from "typegrad/laws"
 * // throws an Error listing each failing law
 * assertOutcomes(runOpLaws(registry.neg, { numRuns: 5 })).length > 0 // true
 * @category destructors
 * @since 0.1.0
 */
export const assertOutcomes = (outcomes: readonly LawOutcome[]): readonly LawOutcome[] => {
  if (outcomes.some((o) => !o.ok)) throw new Error(drawOutcomes(outcomes));
  return outcomes;
};
