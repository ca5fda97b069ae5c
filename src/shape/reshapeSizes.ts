/**
 * The runtime twin of `Reshape`, apart from the type rule: the reshape primitive (used inside the
 * reductions and the autodiff core) imports only this, so a program that never reshapes does not
 * type-check the size arithmetic of `arith.ts` (about 8,000 instantiations from sources).
 *
 * @module
 */
import { ShapeError, type Sizes, showShape, sizeOf } from "./dims.js";

/**
 * Runtime twin of `Reshape` (in `reshape.ts`): `t` with its `-1` solved, or a `ShapeError`.
 *
 * @example
 * import { shapes } from "typegrad"
 * shapes.reshape([224, 224, 3], [-1]) // [150528]
 * @category shapes
 */
export const reshape = (s: Sizes, t: Sizes): number[] => {
  // one pass, no filtered copies (this runs for every reshape, several per training step)
  let holes = 0;
  let pt = 1;
  for (const d of t) {
    if (d === -1) holes++;
    else pt *= d;
  }
  if (holes > 1) throw new ShapeError("reshape", `at most one -1 is allowed, got ${showShape(t)}`);
  for (const d of t) {
    if (!(Number.isInteger(d) && (d >= 0 || d === -1))) throw new ShapeError("reshape", `target dims must be non-negative integers or -1, got ${showShape(t)}`);
  }
  const ps = sizeOf(s);
  const out: number[] = [];
  if (holes === 1) {
    if (pt === 0 || ps % pt !== 0) throw new ShapeError("reshape", `cannot reshape ${showShape(s)} into ${showShape(t)}: ${ps} elements do not divide into parts of ${pt}`);
    for (const d of t) out.push(d === -1 ? ps / pt : d);
    return out;
  }
  if (ps !== pt) throw new ShapeError("reshape", `cannot reshape ${showShape(s)} (${ps} elements) into ${showShape(t)} (${pt} elements)`);
  for (const d of t) out.push(d);
  return out;
};
