/**
 * The progress display of `fit({ progress })`: on a terminal, one line redrawn in place (a bar,
 * the batch and epoch counters, the ETA and the running loss and accuracy), ended by the
 * epoch's metrics; on anything else (a file, a pipe, a CI log), one line per epoch. Written for
 * this package, with no dependency: the stream is anything with `write(text)`, by default
 * Node's `process.stderr`, reached through `globalThis` so the root entry stays browser-safe.
 *
 * When `progress` is off, `fit` creates no reporter at all: no clock is read, no text is built,
 * no timer exists (the reporter never sets one either; it redraws when a batch ends).
 *
 * @module
 */
import { checkOptionKeys, type OptionKeys } from "../shape/options.js";
import type { BatchInfo, EpochRecord } from "./fit.js";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** Where progress is written: Node's `process.stderr`, or any object with `write`. @category model */
export interface ProgressStream {
  write(text: string): unknown;
  /** A terminal: redraw one line in place (default: false, one line per epoch). */
  readonly isTTY?: boolean;
  /** The terminal's width in characters (the bar is shortened to fit). */
  readonly columns?: number;
}

/** Options of `fit`'s `progress`. @category model */
export interface ProgressOptions {
  /** Default: `globalThis.process.stderr` (an error where there is none, as in a browser). */
  readonly stream?: ProgressStream;
  /** Least milliseconds between two redraws on a terminal (default 100). */
  readonly every?: number;
}

/** What the training loop tells the display. @internal */
export interface ProgressReporter {
  batch(info: BatchInfo): void;
  epoch(record: EpochRecord): void;
  end(): void;
}

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

const defaultStream = (): ProgressStream | undefined => (globalThis as { process?: { stderr?: ProgressStream } }).process?.stderr;

/** `m:ss` or `h:mm:ss`. @internal */
export const clock = (ms: number): string => {
  if (!Number.isFinite(ms) || ms < 0) return "-:--";
  const s = Math.round(ms / 1000);
  const pad = (n: number): string => `${n}`.padStart(2, "0");
  return s >= 3600 ? `${Math.floor(s / 3600)}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}` : `${Math.floor(s / 60)}:${pad(s % 60)}`;
};

const num = (v: number | undefined): string => (v === undefined ? "-" : v.toFixed(4));

/**
 * The epoch's summary line: `epoch 2/10  100 batches  0:03  loss 0.3214  acc 0.9012  val_loss 0.3300  val_acc 0.8900`.
 * Accuracies and validation metrics appear when the run computes them.
 *
 * @internal
 */
export const epochLine = (r: EpochRecord, epochs: number, batches: number, ms: number): string => {
  const parts = [`epoch ${r.epoch}/${epochs}`, `${batches} batches`, clock(ms), `loss ${num(r.loss)}`];
  if (r.accuracy !== undefined) parts.push(`acc ${num(r.accuracy)}`);
  if (r.valLoss !== undefined) parts.push(`val_loss ${num(r.valLoss)}`);
  if (r.valAccuracy !== undefined) parts.push(`val_acc ${num(r.valAccuracy)}`);
  return parts.join("  ");
};

const progressKeys: OptionKeys<ProgressOptions> = { stream: true, every: true };

/**
 * A reporter for a run of `epochs` epochs of `batches` batches starting at `firstEpoch` (later
 * than 1 when resuming). `fn` names the caller in errors; `now` is the clock in milliseconds.
 *
 * @internal
 */
export const progressReporter = (
  fn: string,
  opts: true | ProgressOptions,
  plan: { readonly epochs: number; readonly firstEpoch: number; readonly batches: number },
  now: () => number = () => performance.now(),
): ProgressReporter => {
  const o: ProgressOptions = opts === true ? {} : opts;
  if (o === null || typeof o !== "object") throw new TypeError(`${fn}: option 'progress' must be true or { stream?, every? }, got ${String(opts)}`);
  checkOptionKeys(fn, o, progressKeys, "option 'progress'");
  const stream = o.stream ?? defaultStream();
  if (stream === undefined || typeof stream.write !== "function") {
    throw new TypeError(`${fn}: option 'progress' needs a stream with write(text): there is no process.stderr here (in a browser, pass { progress: { stream } })`);
  }
  const every = o.every ?? 100;
  if (typeof every !== "number" || !(every >= 0)) throw new TypeError(`${fn}: option 'progress.every' must be a number of milliseconds ≥ 0, got ${String(every)}`);
  const tty = stream.isTTY === true;
  const { epochs, firstEpoch, batches } = plan;
  const totalSteps = (epochs - firstEpoch + 1) * batches;
  const start = now();
  let epochStart = start;
  let lastDraw = -Infinity;
  let done = 0;
  let lossSum = 0;
  let accSum = 0;
  let drawn = false;

  const line = (i: BatchInfo, t: number): string => {
    const n = i.batch + 1;
    const eta = done === 0 ? Number.NaN : ((t - start) / done) * (totalSteps - done);
    const width = Math.max(10, Math.min(30, (stream.columns ?? 100) - 80));
    const fill = Math.round((width * n) / i.batches);
    const acc = i.accuracy === undefined ? "" : ` acc ${num(accSum / n)}`;
    return `epoch ${i.epoch}/${epochs} [${"#".repeat(fill)}${"-".repeat(width - fill)}] ${n}/${i.batches} | ETA ${clock(eta)} | loss ${num(lossSum / n)}${acc}`;
  };

  return {
    batch: (i) => {
      done++;
      if (i.batch === 0) {
        lossSum = 0;
        accSum = 0;
      }
      lossSum += i.loss;
      accSum += i.accuracy ?? 0;
      if (!tty) return;
      const t = now();
      if (t - lastDraw < every && i.batch + 1 < i.batches) return;
      lastDraw = t;
      drawn = true;
      stream.write(`\r${line(i, t)}\x1b[K`);
    },
    epoch: (r) => {
      const t = now();
      const eta = ((t - start) / Math.max(1, done)) * (totalSteps - done);
      const tail = r.epoch < epochs ? `  ETA ${clock(eta)}` : "";
      stream.write(`${tty ? "\r" : ""}${epochLine(r, epochs, batches, t - epochStart)}${tail}${tty ? "\x1b[K" : ""}\n`);
      drawn = false;
      epochStart = t;
    },
    end: () => {
      if (drawn) stream.write("\n");
      drawn = false;
    },
  };
};
