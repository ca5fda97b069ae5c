/**
 * Counterexamples for humans: a tensor as a small table (rows of the last axis, a header with its
 * shape and dtype; large tensors elided in the middle), a flat index as a multi-index. The
 * runners put these into their failure messages, with the fast-check seed and path to replay.
 *
 * @module
 */

import type { Params } from "../src/autodiff/tree.js";
import { toFlat } from "../src/tensor/create.js";
import { isTensor, type Tensor } from "../src/tensor/tensor.js";

/** A number in at most 8 significant digits, without trailing zeros. */
const num = (v: number): string => (Number.isInteger(v) ? String(v) : Number(v.toPrecision(8)).toString());

/**
 * The multi-index of flat (row-major) index `i` in `shape`.
 *
 * @example
 * import { multiIndex } from "typegrad/laws"
 * multiIndex([2, 3], 4) // [1, 1]
 * @category display
 * @since 0.1.0
 */
export const multiIndex = (shape: readonly number[], i: number): number[] => {
  const out = new Array<number>(shape.length).fill(0);
  let r = i;
  for (let k = shape.length - 1; k >= 0; k--) {
    const d = shape[k] as number;
    out[k] = d === 0 ? 0 : r % d;
    r = d === 0 ? 0 : Math.floor(r / d);
  }
  return out;
};

/**
 * A tensor as a small table: a header (`name [2, 3] float64`) and one line per row of its last
 * axis, columns aligned; at most `maxRows` rows and `maxCols` columns are shown (the rest is
 * elided with `…`).
 *
 * @example
 * import { tensor } from "typegrad"
 * import { showTensor } from "typegrad/laws"
 * showTensor(tensor([[1, -2.5], [0.125, 3]], { dtype: "float64" }), "x")
 * // "x [2, 2] float64\n      1  -2.5\n  0.125     3"
 * @category display
 * @since 0.1.0
 */
export const showTensor = (t: Tensor, name = "", maxRows = 8, maxCols = 8): string => {
  const shape = t.shape as readonly number[];
  const data = toFlat(t);
  const header = `${name === "" ? "" : `${name} `}[${shape.join(", ")}] ${t.dtype}`;
  if (data.length === 0) return `${header} (empty)`;
  const cols = shape.length === 0 ? 1 : (shape[shape.length - 1] as number);
  const rows = data.length / cols;
  const pick = (n: number, max: number): (number | undefined)[] => (n <= max ? Array.from({ length: n }, (_, i) => i) : [...Array.from({ length: max - 1 }, (_, i) => i), undefined, n - 1]);
  const rs = pick(rows, maxRows);
  const cs = pick(cols, maxCols);
  const cells = rs.map((r) => cs.map((c) => (r === undefined ? "⋮" : c === undefined ? "…" : num(data[r * cols + c] as number))));
  const width = cs.map((_, j) => Math.max(...cells.map((row) => (row[j] as string).length)));
  return [header, ...cells.map((row) => `  ${row.map((cell, j) => cell.padStart(width[j] as number)).join("  ")}`)].join("\n");
};

/**
 * The leaves of a parameter tree as tables, named by their path (`W`, `layers.0.b`).
 *
 * @example
 * import { tensor } from "typegrad"
 * import { showTree } from "typegrad/laws"
 * showTree({ W: tensor([[1, 2]]), b: tensor([0]) }).startsWith("W [1, 2]") // true
 * @category display
 * @since 0.1.0
 */
export const showTree = (p: Params): string => {
  const walk = (q: Params, path: string): [string, Tensor][] => {
    if (isTensor(q)) return [[path === "" ? "x" : path, q]];
    if (Array.isArray(q)) return q.flatMap((r, i) => walk(r as Params, path === "" ? `${i}` : `${path}.${i}`));
    return Object.entries(q as { readonly [k: string]: Params }).flatMap(([k, r]) => walk(r, path === "" ? k : `${path}.${k}`));
  };
  return showTensors(walk(p, ""));
};

/**
 * Several named tensors as tables, one after the other.
 *
 * @example
 * import { tensor } from "typegrad"
 * import { showTensors } from "typegrad/laws"
 * showTensors([["a", tensor([1, 2])], ["b", tensor([3])]]).split("\n").length // 4
 * @category display
 * @since 0.1.0
 */
export const showTensors = (named: readonly (readonly [string, Tensor])[]): string => named.map(([n, t]) => showTensor(t, n)).join("\n");
