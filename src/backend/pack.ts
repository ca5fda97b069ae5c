/**
 * The arguments of a backend's optional `pack` (see `Backend.pack`), checked once for every
 * backend: at least one storage, one flag per storage, one dtype.
 *
 * @module
 */

import type { DType, Storage } from "./backend.js";

/** The dtype of `xs`, or an error naming the backend, the method and the argument. @internal */
export const packDtype = (backend: string, xs: readonly Storage[], summed: readonly boolean[]): DType => {
  const first = xs[0];
  if (first === undefined) throw new TypeError(`${backend} backend pack: argument 'xs' must hold at least one storage`);
  if (summed.length !== xs.length) throw new TypeError(`${backend} backend pack: argument 'summed' must hold one flag per storage (${xs.length}), got ${summed.length}`);
  for (const [i, x] of xs.entries())
    if (x.dtype !== first.dtype) throw new TypeError(`${backend} backend pack: argument 'xs[${i}]' is ${x.dtype}, 'xs[0]' ${first.dtype}; every storage must have one dtype`);
  return first.dtype;
};
