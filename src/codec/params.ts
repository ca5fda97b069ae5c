/**
 * Parameters checked against a model: `decodeParams(model, input)` takes parameter shapes (a
 * record of specs such as `{ W1: [128, 784], b1: [128, 1] }`, or the model's own parameters)
 * and lists every mismatched parameter by name, missing and unexpected ones included.
 *
 * Parameters are named by their path in the tree: `W1` in a record, `layers[0].W` deeper down
 * (the names checkpoints store).
 *
 * @module
 */
import * as E from "fp-ts/lib/Either.js";
import { namedLeaves, type Params } from "../autodiff/tree.js";
import type { DType } from "../backend/backend.js";
import { fromArray, toFlat } from "../tensor/create.js";
import { isTensor, type Tensor } from "../tensor/tensor.js";
import { type DecodeErrors, nonEmpty } from "./errors.js";
import { checkOptions } from "./tensor.js";
import { checkSpecs, checkTensors, type DecodeTensorsOptions, decodeTensorsKeys, type TensorSpecs, type TensorsOf } from "./tensors.js";

// -------------------------------------------------------------------------------------
// params trees
// -------------------------------------------------------------------------------------

const isRecord = (u: unknown): u is Record<string, unknown> => u !== null && typeof u === "object" && Object.getPrototypeOf(u) === Object.prototype;

/** The deepest params tree accepted (a deeper one is a `TypeError`, never a stack overflow). */

/** The tree `model` with each leaf replaced by the tensor of the same name. @category params @since 0.1.0 */
export const rebuildParams = <P extends Params>(model: P, byName: Readonly<Record<string, Tensor>>): P => {
  const go = (q: unknown, path: string): unknown => {
    if (isTensor(q)) return Object.hasOwn(byName, path) ? (byName[path] as Tensor) : q;
    if (Array.isArray(q)) return q.map((x, i) => go(x, `${path}[${i}]`));
    if (isRecord(q)) return Object.fromEntries(Object.entries(q).map(([k, v]) => [k, go(v, path === "" ? k : `${path}.${k}`)]));
    return q;
  };
  return go(model, "") as P;
};

/** True for a record of specs (`{ W1: [128, 784] }`), false for a params tree. */
const isSpecRecord = (u: unknown): u is TensorSpecs => isRecord(u) && Object.values(u).every((s) => Array.isArray(s) && s.every((d: unknown) => typeof d === "number" || typeof d === "string"));

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * Check a record of named parameters (tensors, or their JSON forms) against parameter shapes:
 * a record of specs, or the model's parameters (then every leaf gets the model's dtype and the
 * result has the model's structure). Every mismatch is listed by parameter name. The input is
 * read as `decodeTensors` reads it (plain data only; `maxRank` default 32, `maxElements` default
 * 2^28).
 *
 * @example
 * import { decodeParams, draw } from "typegrad"
 * import * as E from "fp-ts/lib/Either.js"
 * const ok = decodeParams({ W1: [2, 3] }, { W1: [[1, 2, 3], [4, 5, 6]] })
 * E.isRight(ok) && ok.right.W1 // Tensor<[2, 3]>
 * const r = decodeParams({ W1: [2, 3], b1: [2, 1] }, { W1: [[1, 2], [3, 4]], extra: [1] })
 * E.isLeft(r) && draw(r.left) // "W1: dim 1 is 2, expected 3\nb1: missing: expected a parameter of shape [2, 1]\nextra: unexpected parameter (expected only W1, b1)"
 * @category constructors
 * @since 0.1.0
 */
export function decodeParams<const Sp extends TensorSpecs>(specs: Sp, input: unknown, opts?: DecodeTensorsOptions): E.Either<DecodeErrors, TensorsOf<Sp>>;
export function decodeParams<P extends Params>(model: P, input: unknown, opts?: DecodeTensorsOptions): E.Either<DecodeErrors, P>;
export function decodeParams(model: TensorSpecs | Params, input: unknown, opts?: DecodeTensorsOptions): E.Either<DecodeErrors, unknown> {
  const options = checkOptions("decodeParams", opts, decodeTensorsKeys) as DecodeTensorsOptions;
  if (isSpecRecord(model)) {
    const r = checkTensors(checkSpecs("decodeParams", "specs", model), input, options, true, "parameter");
    const errs = nonEmpty(r.errors);
    return errs === undefined ? E.right(r.tensors) : E.left(errs);
  }
  const leaves = namedLeaves("decodeParams", model as Params);
  const specs: Record<string, readonly number[]> = Object.fromEntries(leaves.map(([n, x]) => [n, x.shape as readonly number[]]));
  const dtypes = new Map<string, DType>(leaves.map(([n, x]) => [n, x.dtype]));
  const r = checkTensors(specs, input, options, true, "parameter");
  const errs = nonEmpty(r.errors);
  if (errs !== undefined) return E.left(errs);
  const cast: Record<string, Tensor> = {};
  for (const [n, x] of Object.entries(r.tensors)) {
    const want = options.dtype ?? dtypes.get(n) ?? x.dtype;
    cast[n] = want === x.dtype ? x : fromArray(x.shape as number[], toFlat(x), { dtype: want });
  }
  return E.right(rebuildParams(model as Params, cast));
}

/** The parameter shapes of a model, as a record of specs. @category params @since 0.1.0 */
export const paramSpecs = (model: Params): Record<string, readonly number[]> => Object.fromEntries(namedLeaves("paramSpecs", model).map(([n, x]) => [n, x.shape as readonly number[]]));
