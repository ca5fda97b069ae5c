/**
 * Recurrent cells and layers: `rnnCell` (tanh), `gruCell`, `lstmCell`; the layers `rnn`, `gru`,
 * `lstm` that run a cell over a sequence with `scan`; `bidirectional`; `recurrentNet`, a
 * recurrent layer chained into a dense head, checked at compile time like `sequential`.
 *
 * Layout: time-major, `X: [T, "m", F]` (steps, examples, features), states `[m, H]` (rows are
 * examples, `Z = X·W + b` as in `dense(…, { layout: "rows" })`). Why: `scan` walks the leading
 * axis, so each step reads one contiguous `[m, F]` block, and the input projection of every step
 * is one `[T·m, F] @ [F, G·H]` product before the loop (only `h·U` is left inside it). A
 * batch-major `[m, T, F]` tensor is `permute(X, [1, 0, 2])` away.
 *
 * The gates are batched: `W: [F, G·H]`, `U: [H, G·H]`, `b: [1, G·H]` hold every gate's block side
 * by side (G = 1 rnn, 3 gru, 4 lstm), so a step is one `[m, H] @ [H, G·H]` product, then slices.
 *
 * | cell | step (σ the logistic sigmoid, ⊙ elementwise) | blocks of `W`, `U`, `b` |
 * |---|---|---|
 * | rnn | `h' = tanh(x·W + h·U + b)` | one |
 * | gru | `r, z = σ(x·W_rz + b_rz + h·U_rz + bh_rz)`, `n = tanh(x·W_n + b_n + r ⊙ (h·U_n + bh_n))`, `h' = (1 − z) ⊙ n + z ⊙ h` | r, z, n (PyTorch's form, `bh` a second bias) |
 * | lstm | `i, f, o = σ(·)`, `g = tanh(·)` of `x·W + h·U + b`; `c' = f ⊙ c + i ⊙ g`, `h' = o ⊙ tanh(c')` | input, forget, output, candidate |
 *
 * Initialisation: `W` and `U` Glorot-uniform per gate block (fans `F, H` and `H, H`), biases 0,
 * except the LSTM forget gate's bias, 1 (Gers et al. 2000, Jozefowicz et al. 2015: the cell
 * remembers by default, so gradients flow through `c` early in training).
 *
 * Masking: `apply(p, X, { mask })` with `mask: [T, m]` of 0/1 (1 = a real step) runs sequences of
 * different lengths padded at the end in one batch: at a padded step the state is carried over
 * unchanged and the output is 0, so `"last"` gives each sequence's state after its own last step,
 * and a reverse layer starts each sequence at its own last step.
 *
 * @module
 */
import { type Step, scanTree } from "../autodiff/scan.js";
import type { Params } from "../autodiff/tree.js";
import { add } from "../ops/add.js";
import { concat } from "../ops/concat.js";
import { matmul } from "../ops/matmul.js";
import { mul } from "../ops/mul.js";
import { reshape } from "../ops/reshape.js";
import { sigmoid } from "../ops/sigmoid.js";
import { slice } from "../ops/slice.js";
import { sub } from "../ops/sub.js";
import { tanh } from "../ops/tanh.js";
import type { Mul } from "../shape/arith.js";
import type { Check, Dim, Mismatch, NoUnify, Shape, ShowShape, Unify } from "../shape/dims.js";
import { ShapeError, showShape } from "../shape/dims.js";
import { checkOptionKeys, type OptionKeys } from "../shape/options.js";
import { type CreateOptions, fill, zeros } from "../tensor/create.js";
import type { Rng } from "../tensor/random.js";
import { isTensor, type Tensor } from "../tensor/tensor.js";
import type { RunContext } from "./activations.js";
import type { AnyDense, DenseLayer, DenseParams } from "./dense.js";
import { initializers } from "./init.js";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** The recurrent cells. @category model */
export type CellKind = "rnn" | "gru" | "lstm";

/** Gate blocks per cell: 1 (rnn), 3 (gru), 4 (lstm). @category model */
export type GatesOf<K extends CellKind> = K extends "lstm" ? 4 : K extends "gru" ? 3 : 1;

/**
 * A cell's parameters: the gate blocks side by side.
 *
 * @example
 * type P = CellParams<"lstm", 28, 128> // { W: Tensor<[28, 512]>; U: Tensor<[128, 512]>; b: Tensor<[1, 512]> }
 * @category model
 */
export type CellParams<K extends CellKind, F extends number, H extends number> = K extends "gru"
  ? { readonly W: Tensor<[F, Mul<H, 3>]>; readonly U: Tensor<[H, Mul<H, 3>]>; readonly b: Tensor<[1, Mul<H, 3>]>; readonly bh: Tensor<[1, Mul<H, 3>]> }
  : { readonly W: Tensor<[F, Mul<H, GatesOf<K>>]>; readonly U: Tensor<[H, Mul<H, GatesOf<K>>]>; readonly b: Tensor<[1, Mul<H, GatesOf<K>>]> };

/** A cell's state for `M` examples: `h` (rnn, gru), or `{ h, c }` (lstm). @category model */
export type CarryOf<K extends CellKind, M extends Dim, H extends number> = K extends "lstm" ? { readonly h: Tensor<[M, H]>; readonly c: Tensor<[M, H]> } : Tensor<[M, H]>;

/** What a recurrent layer returns: every step's hidden state (`[T, m, H]`) or the last one (`[m, H]`). @category model */
export type Returns = "sequence" | "last";

/** The rule of a step's input `[M, F']` against a cell taking `F` features (a message naming the cell when wrong). @category model */
export type StepIn<Name extends string, F extends number, S extends Shape> = S extends readonly [infer M extends Dim, infer G extends Dim]
  ? Unify<G, F> extends NoUnify
    ? Mismatch<`${Name}: x has ${G & (string | number)} features but the cell takes ${F}`>
    : [M, F]
  : Mismatch<`${Name}: x must be [m, ${F}], got ${ShowShape<S>}`>;

/** The rule of a sequence `[T, M, F']` against a layer taking `F` features (a message naming the layer when wrong). @category model */
export type StepsIn<Name extends string, F extends number, S extends Shape> = S extends readonly [infer T extends Dim, infer M extends Dim, infer G extends Dim]
  ? Unify<G, F> extends NoUnify
    ? Mismatch<`${Name}: X has ${G & (string | number)} features per step but the layer takes ${F}`>
    : [T, M, F]
  : Mismatch<`${Name}: X must be time-major [T, m, ${F}], got ${ShowShape<S>}`>;

/** A layer's output for a checked input `S = [T, M, F]`. @category model */
export type StepsOut<S, R extends Returns, H extends number> = S extends readonly [infer T extends Dim, infer M extends Dim, Dim]
  ? R extends "sequence"
    ? Tensor<[T, M, H]>
    : Tensor<[M, H]>
  : Tensor;

/**
 * A recurrent cell from `F` features to `H` hidden units: one step of the recurrence.
 *
 * @category model
 */
export interface Cell<K extends CellKind, F extends number, H extends number> {
  readonly kind: K;
  readonly nIn: F;
  readonly nHidden: H;
  /** Fresh parameters (see the module's table for the initialisation). */
  init(g: Rng, opts?: CreateOptions): CellParams<K, F, H>;
  /** The zero state for `m` examples. */
  initialState<const M extends number>(m: M, opts?: CreateOptions): CarryOf<K, M, H>;
  /** One step: the next state from the state and one step's input `x: [m, F]`. */
  step<M extends Dim, const S extends Shape>(params: CellParams<K, F, H>, state: CarryOf<K, M, H>, x: Check<StepIn<K, F, S>, Tensor<S>>): CarryOf<K, M, H>;
  /** The hidden state `h` of a state. */
  hidden<M extends Dim>(state: CarryOf<K, M, H>): Tensor<[M, H]>;
}

/** Options of a run of a recurrent layer: the run context, a mask of the real steps, an initial state. @category model */
export interface RecurrentRun extends RunContext {
  /** `[T, m]`, 1 at real steps and 0 at padding (sequences padded at the end). */
  readonly mask?: Tensor;
  /** The state before the first step (default zeros). */
  readonly initial?: Tensor | { readonly h: Tensor; readonly c: Tensor };
}

/**
 * A recurrent layer's description (JSON): the arguments of `rnn`/`gru`/`lstm`.
 *
 * @category model
 */
export interface RecurrentArchitecture {
  readonly kind: CellKind;
  readonly nIn: number;
  readonly nHidden: number;
  readonly returns: Returns;
  readonly reverse: boolean;
}

/** A bidirectional layer's description: the forward layer's (the backward one is its reverse). @category model */
export interface BidirectionalArchitecture {
  readonly kind: "bidirectional";
  readonly layer: RecurrentArchitecture;
}

/**
 * A recurrent layer: a cell run over `X: [T, m, F]`.
 *
 * @category model
 */
export interface RecurrentLayer<K extends CellKind, F extends number, H extends number, R extends Returns = "last"> {
  readonly kind: K;
  readonly cell: Cell<K, F, H>;
  readonly nIn: F;
  /** The size of each output row: `H`. */
  readonly nOut: H;
  readonly returns: R;
  readonly reverse: boolean;
  readonly layout: "rows";
  readonly architecture: RecurrentArchitecture;
  init(g: Rng, opts?: CreateOptions): CellParams<K, F, H>;
  /** Every step's `h` (`[T, m, H]`) or the last (`[m, H]`); differentiable (backprop through time by `scan`). */
  apply<const S extends Shape>(params: CellParams<K, F, H>, X: Check<StepsIn<K, F, S>, Tensor<S>>, run?: RecurrentRun): StepsOut<S, R, H>;
}

/** Any recurrent layer. @category model */
export type AnyRecurrent = RecurrentLayer<CellKind, number, number, Returns>;

/**
 * Two layers of one kind, one reading the sequence forwards and one backwards; their outputs are
 * joined on the feature axis (`2H`).
 *
 * @category model
 */
export interface Bidirectional<K extends CellKind, F extends number, H extends number, R extends Returns> {
  readonly kind: "bidirectional";
  readonly nIn: F;
  readonly nOut: Mul<H, 2>;
  readonly returns: R;
  readonly layout: "rows";
  readonly architecture: BidirectionalArchitecture;
  init(g: Rng, opts?: CreateOptions): { readonly forward: CellParams<K, F, H>; readonly backward: CellParams<K, F, H> };
  apply<const S extends Shape>(
    params: { readonly forward: CellParams<K, F, H>; readonly backward: CellParams<K, F, H> },
    X: Check<StepsIn<"bidirectional", F, S>, Tensor<S>>,
    run?: RecurrentRun,
  ): StepsOut<S, R, Mul<H, 2>>;
}

// -------------------------------------------------------------------------------------
// cells
// -------------------------------------------------------------------------------------

const gatesOf: Record<CellKind, number> = { rnn: 1, gru: 3, lstm: 4 };
type T2 = Tensor<[number, number]>;
type Untyped = { readonly W: Tensor; readonly U: Tensor; readonly b: Tensor; readonly bh?: Tensor };
type State = Tensor | { readonly h: Tensor; readonly c: Tensor };

const positive = (fn: string, arg: string, v: unknown): void => {
  if (!Number.isInteger(v) || (v as number) < 1) throw new TypeError(`${fn}: argument '${arg}' must be an integer ≥ 1, got ${String(v)}`);
};

const cols = (z: Tensor, from: number, to: number): Tensor => slice(z as T2, 1, from, to) as Tensor;

/** The step after the input projection: the next state from the state and `zx = x·W + b` (`[m, G·H]`). */
const recurrence = (kind: CellKind, H: number): ((p: Untyped, state: State, zx: Tensor) => State) => {
  switch (kind) {
    case "rnn":
      return (p, h, zx) => tanh(add(zx, matmul(h as T2, p.U as T2)));
    case "gru":
      return (p, h, zx) => {
        const zh = add(matmul(h as T2, p.U as T2), p.bh as Tensor);
        const rz = sigmoid(add(cols(zx, 0, 2 * H), cols(zh, 0, 2 * H)));
        const n = tanh(add(cols(zx, 2 * H, 3 * H), mul(cols(rz, 0, H), cols(zh, 2 * H, 3 * H))));
        // h' = (1 − z)·n + z·h = n + z·(h − n)
        return add(n, mul(cols(rz, H, 2 * H), sub(h as Tensor, n)));
      };
    case "lstm":
      return (p, s, zx) => {
        const { h, c } = s as { h: Tensor; c: Tensor };
        const z = add(zx, matmul(h as T2, p.U as T2));
        const ifo = sigmoid(cols(z, 0, 3 * H));
        const g = tanh(cols(z, 3 * H, 4 * H));
        const c2 = add(mul(cols(ifo, H, 2 * H), c), mul(cols(ifo, 0, H), g));
        return { h: mul(cols(ifo, 2 * H, 3 * H), tanh(c2)), c: c2 };
      };
  }
};

const hiddenOf = (s: State): Tensor => (isTensor(s) ? s : s.h);

const checkParams = (fn: string, kind: CellKind, F: number, H: number, p: unknown): Untyped => {
  const G = gatesOf[kind] * H;
  const q = p as Untyped;
  const want: [keyof Untyped, number[]][] = [["W", [F, G]], ["U", [H, G]], ["b", [1, G]], ...(kind === "gru" ? [["bh", [1, G]] as [keyof Untyped, number[]]] : [])];
  if (p === null || typeof p !== "object") throw new TypeError(`${fn}: argument 'params' must be the record from init (${want.map(([k]) => k).join(", ")})`);
  for (const [k, s] of want) {
    const t = q[k];
    if (!isTensor(t)) throw new TypeError(`${fn}: argument 'params' has no tensor '${k}' (a ${kind} cell has ${want.map(([n]) => n).join(", ")})`);
    const ts = t.shape as readonly number[];
    if (ts.length !== 2 || ts[0] !== s[0] || ts[1] !== s[1])
      throw new ShapeError(fn, `params.${k} has shape ${showShape(ts)}, expected ${showShape(s)} (a ${kind} cell of ${F} features and ${H} units)`);
  }
  return q;
};

const checkState = (fn: string, kind: CellKind, H: number, m: number, s: unknown): State => {
  const one = (t: unknown, name: string): void => {
    if (!isTensor(t)) throw new TypeError(`${fn}: the state's '${name}' must be a Tensor`);
    const ts = t.shape as readonly number[];
    if (ts.length !== 2 || ts[0] !== m || ts[1] !== H) throw new ShapeError(fn, `the state's ${name} has shape ${showShape(ts)}, expected [${m}, ${H}] (${m} examples, ${H} units)`);
  };
  if (kind === "lstm") {
    if (s === null || typeof s !== "object" || isTensor(s)) throw new TypeError(`${fn}: an lstm's state must be a record { h, c }`);
    one((s as { h: unknown }).h, "h");
    one((s as { c: unknown }).c, "c");
  } else one(s, "h");
  return s as State;
};

const makeCell = (kind: CellKind, F: number, H: number): Cell<CellKind, number, number> => {
  const fn = `${kind}Cell`;
  positive(fn, "nIn", F);
  positive(fn, "nHidden", H);
  const G = gatesOf[kind];
  const recur = recurrence(kind, H);
  const init = (g: Rng, opts?: CreateOptions): Untyped => {
    // one block per gate, side by side (an rnn's single block is copied once; init runs once)
    const block = (rows: number, fanIn: number) =>
      concat(
        Array.from({ length: G }, () => initializers.xavierUniform(g, [rows, H], { fanIn, fanOut: H }, opts) as T2),
        1,
      ) as Tensor;
    const W = block(F, F);
    const U = block(H, H);
    const b = kind === "lstm" ? concat([zeros([1, H], opts), fill([1, H], 1, opts), zeros([1, 2 * H], opts)], 1) : zeros([1, G * H], opts);
    return kind === "gru" ? { W, U, b, bh: zeros([1, G * H], opts) } : { W, U, b };
  };
  const cell = {
    kind,
    nIn: F,
    nHidden: H,
    init,
    initialState: (m: number, opts?: CreateOptions): State => {
      positive(`${fn}.initialState`, "m", m);
      return kind === "lstm" ? { h: zeros([m, H], opts), c: zeros([m, H], opts) } : zeros([m, H], opts);
    },
    step: (p: unknown, s: unknown, x: unknown): State => {
      const q = checkParams(`${fn}.step`, kind, F, H, p);
      if (!isTensor(x) || x.shape.length !== 2 || x.shape[1] !== F)
        throw new ShapeError(`${fn}.step`, `x has shape ${isTensor(x) ? showShape(x.shape as readonly number[]) : typeof x}, expected [m, ${F}]`);
      const state = checkState(`${fn}.step`, kind, H, x.shape[0] as number, s);
      return recur(q, state, add(matmul(x as T2, q.W as T2), q.b));
    },
    hidden: hiddenOf,
  };
  return cell as unknown as Cell<CellKind, number, number>;
};

/**
 * An Elman cell, `h' = tanh(x·W + h·U + b)`.
 *
 * @example
 * import { rnnCell, rng, zeros } from "typegrad"
 * const cell = rnnCell(3, 5)
 * const p = cell.init(rng(0))
 * p.U // Tensor<[5, 5]>
 * cell.step(p, cell.initialState(2), zeros([2, 3])) // Tensor<[2, 5]>
 * @category constructors
 */
export const rnnCell = <const F extends number, const H extends number>(nIn: F, nHidden: H): Cell<"rnn", F, H> => makeCell("rnn", nIn, nHidden) as unknown as Cell<"rnn", F, H>;

/**
 * A gated recurrent unit (Cho et al. 2014, PyTorch's form): reset and update gates, one state.
 *
 * @example
 * import { gruCell, rng, zeros } from "typegrad"
 * const cell = gruCell(3, 5)
 * const p = cell.init(rng(0))
 * p.W // Tensor<[3, 15]> (the r, z and n blocks side by side)
 * cell.step(p, cell.initialState(2), zeros([2, 3])) // Tensor<[2, 5]>
 * @category constructors
 */
export const gruCell = <const F extends number, const H extends number>(nIn: F, nHidden: H): Cell<"gru", F, H> => makeCell("gru", nIn, nHidden) as unknown as Cell<"gru", F, H>;

/**
 * A long short-term memory cell (Hochreiter & Schmidhuber 1997, with a forget gate): state
 * `{ h, c }`; the forget gate's bias starts at 1.
 *
 * @example
 * import { lstmCell, rng, toArray, zeros } from "typegrad"
 * const cell = lstmCell(3, 2)
 * const p = cell.init(rng(0))
 * p.W // Tensor<[3, 8]> (input, forget, output, candidate blocks)
 * toArray(p.b) // [[0, 0, 1, 1, 0, 0, 0, 0]] (the forget gate's bias is 1)
 * const s = cell.step(p, cell.initialState(4), zeros([4, 3]))
 * s.c // Tensor<[4, 2]>
 * @category constructors
 */
export const lstmCell = <const F extends number, const H extends number>(nIn: F, nHidden: H): Cell<"lstm", F, H> => makeCell("lstm", nIn, nHidden) as unknown as Cell<"lstm", F, H>;

// -------------------------------------------------------------------------------------
// layers
// -------------------------------------------------------------------------------------

/** Options of `rnn`, `gru` and `lstm`. @category model */
export interface RecurrentOptions<R extends Returns> {
  /** `"last"` (default): the last hidden state `[m, H]`; `"sequence"`: every step's, `[T, m, H]`. */
  readonly returns?: R;
  /** Read the sequence from its last step to its first (outputs stay in the order of `X`). */
  readonly reverse?: boolean;
}

const recurrentKeys: OptionKeys<RecurrentOptions<Returns>> = { returns: true, reverse: true };

const makeLayer = (kind: CellKind, F: number, H: number, opts: RecurrentOptions<Returns>): AnyRecurrent => {
  checkOptionKeys(kind, opts, recurrentKeys);
  const cell = makeCell(kind, F, H);
  const returns = opts.returns ?? "last";
  if (returns !== "last" && returns !== "sequence") throw new TypeError(`${kind}: option 'returns' must be "last" or "sequence", got ${JSON.stringify(returns)}`);
  const reverse = opts.reverse ?? false;
  if (typeof reverse !== "boolean") throw new TypeError(`${kind}: option 'reverse' must be a boolean, got ${JSON.stringify(reverse)}`);
  const recur = recurrence(kind, H);
  const G = gatesOf[kind] * H;
  const apply = (p: unknown, X: unknown, run: RecurrentRun = {}): Tensor => {
    const fn = `${kind}.apply`;
    const q = checkParams(fn, kind, F, H, p);
    if (!isTensor(X)) throw new TypeError(`${fn}: argument 'X' must be a Tensor [T, m, ${F}]`);
    const xs = X.shape as readonly number[];
    if (xs.length !== 3 || xs[2] !== F) throw new ShapeError(fn, `X has shape ${showShape(xs)}, expected time-major [T, m, ${F}] (steps, examples, ${F} features)`);
    const [T, m] = xs as [number, number, number];
    const { mask, initial } = run;
    if (mask !== undefined) {
      const ms = isTensor(mask) ? (mask.shape as readonly number[]) : undefined;
      if (ms === undefined || ms.length !== 2 || ms[0] !== T || ms[1] !== m)
        throw new ShapeError(fn, `option 'mask' must be [${T}, ${m}] (steps, examples) of 0/1, got ${ms === undefined ? typeof mask : showShape(ms)}`);
    }
    const state0 = initial === undefined ? (cell.initialState(m, { dtype: X.dtype }) as State) : checkState(fn, kind, H, m, initial);
    // every step's input projection in one product: [T·m, F] @ [F, G·H]
    const zx = reshape(add(matmul(reshape(X, [T * m, F]) as T2, q.W as T2), q.b), [T, m, G]);
    const inner = kind === "gru" ? { U: q.U, bh: q.bh as Tensor } : { U: q.U };
    const step: Step = (s, x, r) => {
      const { z, k } = x as { z: Tensor; k?: Tensor };
      const next = recur({ ...q, ...(r as object) } as Untyped, s as State, z);
      if (k === undefined) return [next, hiddenOf(next)];
      // a padded step: the state carries over, the output is 0
      const keep = reshape(k, [m, 1]);
      const blend = (a: Tensor, b: Tensor): Tensor => add(b, mul(keep, sub(a, b)));
      const held = isTensor(next) ? blend(next, s as Tensor) : { h: blend(next.h, (s as { h: Tensor }).h), c: blend(next.c, (s as { c: Tensor }).c) };
      return [held, mul(hiddenOf(next), keep)];
    };
    const [last, ys] = scanTree(kind, step, state0 as Params, mask === undefined ? { z: zx } : { z: zx, k: mask }, inner, reverse);
    return returns === "sequence" ? (ys as Tensor) : hiddenOf(last as State);
  };
  return {
    kind,
    cell,
    nIn: F,
    nOut: H,
    returns,
    reverse,
    layout: "rows",
    architecture: { kind, nIn: F, nHidden: H, returns, reverse },
    init: cell.init,
    apply,
  } as unknown as AnyRecurrent;
};

/**
 * An Elman recurrent layer over `X: [T, m, F]` (time-major).
 *
 * @example
 * import { rnn, rng, zeros } from "typegrad"
 * const layer = rnn(3, 5, { returns: "sequence" })
 * layer.apply(layer.init(rng(0)), zeros([7, 2, 3])) // Tensor<[7, 2, 5]>
 * @category constructors
 */
export const rnn = <const F extends number, const H extends number, const R extends Returns = "last">(nIn: F, nHidden: H, opts: RecurrentOptions<R> = {}): RecurrentLayer<"rnn", F, H, R> =>
  makeLayer("rnn", nIn, nHidden, opts) as unknown as RecurrentLayer<"rnn", F, H, R>;

/**
 * A GRU layer over `X: [T, m, F]` (time-major).
 *
 * @example
 * import { gru, rng, zeros } from "typegrad"
 * const layer = gru(3, 5)
 * layer.apply(layer.init(rng(0)), zeros([7, 2, 3])) // Tensor<[2, 5]> (the last state)
 * @category constructors
 */
export const gru = <const F extends number, const H extends number, const R extends Returns = "last">(nIn: F, nHidden: H, opts: RecurrentOptions<R> = {}): RecurrentLayer<"gru", F, H, R> =>
  makeLayer("gru", nIn, nHidden, opts) as unknown as RecurrentLayer<"gru", F, H, R>;

/**
 * An LSTM layer over `X: [T, m, F]` (time-major): MNIST read row by row is `lstm(28, 128)` on
 * `[28, "m", 28]`.
 *
 * @example
 * import { lstm, rng, zeros } from "typegrad"
 * const layer = lstm(28, 16)
 * const p = layer.init(rng(0))
 * layer.apply(p, zeros([28, 4, 28])) // Tensor<[4, 16]>
 * // layer.apply(p, zeros([28, 4, 30])) is a compile error at X:
 * // lstm: X has 30 features per step but the layer takes 28
 * @category constructors
 */
export const lstm = <const F extends number, const H extends number, const R extends Returns = "last">(nIn: F, nHidden: H, opts: RecurrentOptions<R> = {}): RecurrentLayer<"lstm", F, H, R> =>
  makeLayer("lstm", nIn, nHidden, opts) as unknown as RecurrentLayer<"lstm", F, H, R>;

/** A layer from its description. @internal */
export const recurrentFrom = (a: RecurrentArchitecture): AnyRecurrent => makeLayer(a.kind, a.nIn, a.nHidden, { returns: a.returns, reverse: a.reverse });

/**
 * `layer` and its reverse twin (own parameters), outputs joined on the feature axis: every step
 * sees the whole sequence. With `returns: "last"`, the forward state after the last step and the
 * backward state after the first.
 *
 * @example
 * import { bidirectional, gru, rng, zeros } from "typegrad"
 * const layer = bidirectional(gru(3, 5, { returns: "sequence" }))
 * const p = layer.init(rng(0))
 * p.backward.W // Tensor<[3, 15]>
 * layer.apply(p, zeros([7, 2, 3])) // Tensor<[7, 2, 10]>
 * @category constructors
 */
export const bidirectional = <K extends CellKind, F extends number, H extends number, R extends Returns>(layer: RecurrentLayer<K, F, H, R>): Bidirectional<K, F, H, R> => {
  const l = layer as unknown as AnyRecurrent;
  if (l === null || typeof l !== "object" || !["rnn", "gru", "lstm"].includes(l.kind)) throw new TypeError("bidirectional: argument 'layer' must be an rnn, gru or lstm layer");
  if (l.reverse) throw new TypeError("bidirectional: argument 'layer' must read forwards (reverse: false); its twin reads backwards");
  const fwd = l;
  const bwd = recurrentFrom({ ...l.architecture, reverse: true });
  const axis = l.returns === "sequence" ? 2 : 1;
  return {
    kind: "bidirectional",
    nIn: l.nIn,
    nOut: 2 * l.nOut,
    returns: l.returns,
    layout: "rows",
    architecture: { kind: "bidirectional", layer: l.architecture },
    init: (g: Rng, opts?: CreateOptions) => ({ forward: fwd.init(g.fork(), opts), backward: bwd.init(g.fork(), opts) }),
    apply: (p: { forward: Params; backward: Params }, X: Tensor, run?: RecurrentRun) => {
      if (p === null || typeof p !== "object" || p.forward === undefined || p.backward === undefined)
        throw new TypeError("bidirectional.apply: argument 'params' must be the record { forward, backward } from init");
      const a = (fwd.apply as (q: unknown, x: unknown, r?: RecurrentRun) => Tensor)(p.forward, X, run);
      const b = (bwd.apply as (q: unknown, x: unknown, r?: RecurrentRun) => Tensor)(p.backward, X, run);
      return concat([a, b] as T2[], axis);
    },
  } as unknown as Bidirectional<K, F, H, R>;
};

// -------------------------------------------------------------------------------------
// a recurrent layer and a dense head
// -------------------------------------------------------------------------------------

/** A recurrent body (returning its last state): a layer or a bidirectional pair. @category model */
export type RecurrentBody = RecurrentLayer<CellKind, number, number, "last"> | Bidirectional<CellKind, number, number, "last">;

/** The parameters of a recurrent body. @category model */
export type BodyParams<B> =
  B extends RecurrentLayer<infer K, infer F, infer H, Returns>
    ? CellParams<K, F, H>
    : B extends Bidirectional<infer K, infer F, infer H, Returns>
      ? { readonly forward: CellParams<K, F, H>; readonly backward: CellParams<K, F, H> }
      : never;

/** The head check: a dense layer (rows are examples) taking what the body gives, or a message naming both. @category model */
export type HeadOf<B, D> =
  D extends DenseLayer<infer I, number, infer L, infer _A>
    ? L extends "rows"
      ? [I] extends [B extends { readonly nOut: infer O } ? O : never]
        ? D
        : `recurrentNet: the head takes ${I} inputs but the ${B extends { readonly kind: infer K extends string } ? K : "body"} gives ${B extends { readonly nOut: infer O extends number } ? O : "?"}`
      : "recurrentNet: the head must have layout 'rows' (rows are examples, as the recurrent states [m, H])"
    : never;

/**
 * A recurrent body and a dense head: `X: [T, m, F] → [m, O]`.
 *
 * @category model
 */
export interface RecurrentNet<B extends RecurrentBody, D extends AnyDense> {
  readonly body: B;
  readonly head: D;
  readonly nIn: B["nIn"];
  readonly nOut: D["nOut"];
  readonly architecture: { readonly kind: "recurrentNet"; readonly body: B["architecture"]; readonly head: D["architecture"] };
  init(g: Rng, opts?: CreateOptions): { readonly body: BodyParams<B>; readonly head: D extends DenseLayer<infer I, infer O, infer L, infer A> ? DenseParams<I, O, L, A> : never };
  apply<const S extends Shape>(
    params: { readonly body: BodyParams<B>; readonly head: D extends DenseLayer<infer I, infer O, infer L, infer A> ? DenseParams<I, O, L, A> : never },
    X: Check<StepsIn<"recurrentNet", B["nIn"], S>, Tensor<S>>,
    run?: RecurrentRun,
  ): S extends readonly [Dim, infer M extends Dim, Dim] ? Tensor<[M, D["nOut"]]> : Tensor;
}

/**
 * A recurrent layer (returning its last state) chained into a dense head, checked like
 * `sequential`: the head must take the body's output size, or the head argument is a compile
 * error naming both.
 *
 * @example
 * import { dense, lstm, recurrentNet, rng, zeros } from "typegrad"
 * const net = recurrentNet(lstm(28, 64), dense(64, 10, { layout: "rows" }))
 * const p = net.init(rng(0))
 * net.apply(p, zeros([28, 5, 28])) // Tensor<[5, 10]>
 * // recurrentNet(lstm(28, 64), dense(128, 10, { layout: "rows" })) is a compile error at the head:
 * // recurrentNet: the head takes 128 inputs but the lstm gives 64
 * @category constructors
 */
export const recurrentNet = <const B extends RecurrentBody, const D extends AnyDense>(body: B, head: HeadOf<B, D>): RecurrentNet<B, D> => {
  const b = body as unknown as {
    nOut: number;
    returns: Returns;
    kind: string;
    architecture: unknown;
    init: (g: Rng, o?: CreateOptions) => Params;
    apply: (p: unknown, x: unknown, r?: RecurrentRun) => Tensor;
  };
  const d = head as unknown as AnyDense;
  if (b === null || typeof b !== "object" || typeof b.apply !== "function" || !["rnn", "gru", "lstm", "bidirectional"].includes(b.kind))
    throw new TypeError("recurrentNet: argument 'body' must be a recurrent layer");
  if (b.returns !== "last") throw new TypeError(`recurrentNet: argument 'body' must return its last state (returns: "last"), got returns: ${JSON.stringify(b.returns)}`);
  if (d === null || typeof d !== "object" || d.kind !== "dense") throw new TypeError("recurrentNet: argument 'head' must be a dense layer");
  if (d.layout !== "rows") throw new TypeError("recurrentNet: argument 'head' must have layout 'rows' (rows are examples, as the recurrent states [m, H])");
  if (d.nIn !== b.nOut) throw new TypeError(`recurrentNet: the head takes ${d.nIn} inputs but the ${b.kind} gives ${b.nOut}`);
  return {
    body,
    head,
    nIn: (body as unknown as { nIn: number }).nIn,
    nOut: d.nOut,
    architecture: { kind: "recurrentNet", body: b.architecture, head: d.architecture },
    init: (g: Rng, opts?: CreateOptions) => ({ body: b.init(g.fork(), opts), head: d.init(g.fork(), opts) }),
    apply: (p: { body: unknown; head: unknown }, X: unknown, run?: RecurrentRun) => {
      if (p === null || typeof p !== "object") throw new TypeError("recurrentNet.apply: argument 'params' must be the record { body, head } from init");
      return (d.apply as unknown as (q: unknown, a: Tensor, c?: RunContext) => Tensor)(p.head, b.apply(p.body, X, run), run);
    },
  } as unknown as RecurrentNet<B, D>;
};
