/**
 * `hardSigmoid(x)`: the piecewise-linear sigmoid `clamp(x/6 + 1/2, 0, 1)` (PyTorch's `hardsigmoid`).
 *
 * Forward: `out = min(max(x/6 + 1/2, 0), 1)`. Pullback: `ct_x = ct / 6` where `|x| < 3`, else 0.
 *
 * @module
 */
import type { Shape } from "../shape/dims.js";
import type { Tensor } from "../tensor/tensor.js";
import { abs } from "./abs.js";
import { unaryOp } from "./builders.js";
import { div } from "./div.js";
import { lt } from "./lt.js";
import type { OpDef } from "./spec.js";
import { where } from "./where.js";

const built = unaryOp({
  name: "hardSigmoid",
  doc: "out = clamp(x/6 + 1/2, 0, 1)",
  kernel: {
    scalar: (x) => Math.min(Math.max(x / 6 + 0.5, 0), 1),
    wasm: { f32: "min(max(v / <f32>6 + <f32>0.5, <f32>0), <f32>1)", f64: "min(max(v / 6.0 + 0.5, 0.0), 1.0)" },
    accuracy: { lo: -10, hi: 10, ulp: 1, ulp64: 0 },
  },
  pullback: (ct, x) => where(lt(abs(x), 3), div(ct, 6), 0),
  spec: {
    domain: { name: "away from ±3", min: -5, max: 5, avoid: [-3, 3], margin: 0.1 },
    reference: (x) => (x <= -3 ? 0 : x >= 3 ? 1 : (x + 3) / 6),
    secondOrder: true,
  },
});

/**
 * Elementwise hard sigmoid. Use it bare in `pipe`: `pipe(x, hardSigmoid)`.
 *
 * @example
 * import { hardSigmoid, tensor, toArray } from "typegrad"
 * toArray(hardSigmoid(tensor([-4, 0, 4]))) // [0, 0.5, 1]
 * @category operations
 */
export const hardSigmoid: <S extends Shape>(x: Tensor<S>) => Tensor<S> = built.op;

/** Registry entry. */
export const hardSigmoidDef: OpDef<void> = built.def;
