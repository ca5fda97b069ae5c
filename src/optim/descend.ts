/**
 * The optimizers' last line, `w − α·u` (the update `u` a gradient, a velocity…), as one primitive
 * instead of a `mul` and a `sub`: one kernel call (the backend's `sgdUpdate`, else its two binary
 * kernels) and one node, where the two ops cost two dispatches, a temporary and, in a training
 * step, a tenth of the time. Bit for bit `sub(w, mul(u, α))`: the same roundings, in the same
 * order (`test/optim/descend.test.ts` holds every backend to it).
 *
 * Pullback, as the two ops' would be: `ct_w = ct`, `ct_u = −α·ct`.
 *
 * With `α = 1` it is `sub(w, u)` bit for bit (`u·1` is `u`): the optimizers whose update is not a
 * multiple of a tensor (Adam, RMSProp) end with it too, so that on the WASM backend their new
 * parameters come with the divergence probe `fit` reads (see `Backend.pack`).
 *
 * @module
 */

import { bind, type Primitive } from "../autodiff/core.js";
import { two } from "../ops/define.js";
import { mul } from "../ops/mul.js";
import { sub } from "../ops/sub.js";
import type { Tensor } from "../tensor/tensor.js";

/** The primitive; its parameter is the rate `α`. Bound only by `descend`, with `w` and `u` of one shape and dtype. */
const descendPrim: Primitive<number> = {
  name: "descend",
  shape: (ss) => [...two(ss)[0]],
  forward: (xs, _ss, rate, out) => {
    const [w, u] = two(xs);
    const be = w.backend;
    if (be.sgdUpdate !== undefined) return be.sgdUpdate(w, u, rate);
    // u·1 is u, bit for bit: the difference alone
    if (rate === 1) return be.binary("sub", w, out, u, out, out);
    const scaled = be.binary("mul", u, out, be.fill(u.dtype, 1, rate), [], out);
    const next = be.binary("sub", w, out, scaled, out, out);
    be.release?.(scaled);
    return next;
  },
  pullback: (ct, _xs, _out, rate, wants) => [ct, wants[1] ? mul(ct, -rate) : undefined],
};

/**
 * `w − rate·u`, bit for bit `sub(w, mul(u, rate))`, in one kernel call where `w` and `u` have one
 * shape and dtype (else it is those two ops).
 *
 * @internal
 */
export const descend = (w: Tensor, u: Tensor, rate: number): Tensor => {
  const a = w.shape as readonly number[];
  const b = u.shape as readonly number[];
  if (w.dtype !== u.dtype || a.length !== b.length || a.some((d, i) => d !== b[i])) return sub(w, mul(u, rate));
  return bind(descendPrim, [w, u], rate);
};
