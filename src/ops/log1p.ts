/**
 * `log1p(x)`: elementwise ln(1 + x), accurate near 0.
 *
 * Forward: `out = ln(1 + x)`. Pullback: `ct_x = ct / (1 + x)`.
 *
 * @module
 */
import type { Shape } from "../shape/dims.js";
import type { Tensor } from "../tensor/tensor.js";
import { add } from "./add.js";
import { unaryOp } from "./builders.js";
import { div } from "./div.js";
import { domains, type OpDef } from "./spec.js";

const built = unaryOp({
  name: "log1p",
  doc: "out = ln(1 + x)",
  kernel: {
    scalar: Math.log1p,
    wasm: { f32: "Mathf.log1p(v)", f64: "Math.log1p(v)" },
    costly: true,
    accuracy: { lo: -0.999, hi: 1e6, ulp: 2 },
  },
  pullback: (ct, x) => div(ct, add(x, 1)),
  spec: {
    domain: domains.positive,
    reference: Math.log1p,
    secondOrder: true,
  },
});

/**
 * Elementwise ln(1 + x), accurate near 0. Use it bare in `pipe`: `pipe(x, log1p)`.
 *
 * @example
 * import { log1p, tensor, toArray } from "typegrad"
 * toArray(log1p(tensor([0]))) // [0]
 * @category operations
 */
export const log1p: <S extends Shape>(x: Tensor<S>) => Tensor<S> = built.op;

/** The primitive. */
export const log1pPrim = built.prim;

/** Registry entry. */
export const log1pDef: OpDef<void> = built.def;
