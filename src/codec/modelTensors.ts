/**
 * Tensors found in a model file (safetensors, ONNX initializers), checked against the parameters
 * a model says it has: every name, dtype and shape, before any data is read. What the formats
 * share once each has listed its tensors.
 *
 * @module
 */
import * as E from "fp-ts/lib/Either.js";
import type { DType, TypedArray } from "../backend/backend.js";
import { type Describable, type ParamsOfModel, paramLayout } from "../nn/architecture.js";
import { showShape } from "../shape/dims.js";
import { fromArray } from "../tensor/create.js";
import type { Tensor } from "../tensor/tensor.js";
import { type DecodeError, type DecodeErrors, key, leaf, nonEmpty } from "./errors.js";

/** A tensor listed by a file, not read yet. @internal */
export interface FoundTensor {
  /** Its element type as the file names it (`F32`, `FLOAT`). */
  readonly dtype: string;
  /** The typegrad dtype it reads as, if any. */
  readonly as: DType | undefined;
  readonly shape: readonly number[];
  /** Its elements, C order (called only once the file's layout has been checked). */
  readonly read: () => TypedArray;
}

const sameShape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

/**
 * The model's parameters from the tensors a file lists: each of the model's parameters must be
 * there with dtype `dtype` (named in the file's terms by `dtypeName`) and the model's shape, and
 * nothing else may be; every difference is an error under the tensor's name. Data is read only
 * when all of them fit.
 *
 * @internal
 */
export const paramsFromFound = <M extends Describable>(model: M, found: ReadonlyMap<string, FoundTensor>, dtype: DType, dtypeName: (d: DType) => string): E.Either<DecodeErrors, ParamsOfModel<M>> => {
  const { specs, build } = paramLayout(model.architecture);
  const errors: DecodeError[] = [];
  for (const [name, shape] of specs) {
    const f = found.get(name);
    if (f === undefined) {
      errors.push(key(name, [leaf(undefined, `missing: expected a ${dtypeName(dtype)} tensor of shape ${showShape(shape)}`)]));
      continue;
    }
    const why: DecodeError[] = [];
    if (f.as !== dtype) why.push(leaf(f.dtype, `dtype ${f.dtype}, expected ${dtypeName(dtype)}`));
    if (!sameShape(f.shape, shape)) why.push(leaf(f.shape, `shape ${showShape(f.shape)}, expected ${showShape(shape)}`));
    const ne = nonEmpty(why);
    if (ne !== undefined) errors.push(key(name, ne));
  }
  const expected = new Set(specs.map(([n]) => n));
  for (const name of found.keys()) {
    if (!expected.has(name)) errors.push(key(name, [leaf(undefined, `unexpected tensor (the model's are ${specs.map(([n]) => n).join(", ")})`)]));
  }
  const ne = nonEmpty(errors);
  if (ne !== undefined) return E.left(ne);
  const byName: Record<string, Tensor> = {};
  for (const [name, shape] of specs) {
    const f = found.get(name) as FoundTensor;
    Object.defineProperty(byName, name, { value: fromArray(shape as number[], f.read(), { dtype }), enumerable: true });
  }
  return E.right(build(byName) as ParamsOfModel<M>);
};
