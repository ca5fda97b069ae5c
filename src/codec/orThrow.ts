/**
 * Throwing variants for scripts. The decoders return `Either<DecodeErrors, A>`, which an app at
 * its boundary matches on; a script that can only stop wants the value or an exception. `orThrow`
 * turns a `Left` into a `DecodeFailure` whose message is the drawn errors with their paths,
 * prefixed by the function (`decodeTensor: index 1: row has 2 values, expected 3`), and whose
 * `errors` field keeps the forest. The `…OrThrow` functions are the main entry points so wrapped.
 *
 * @module
 */
import type * as E from "fp-ts/lib/Either.js";
import type { Params } from "../autodiff/tree.js";
import type { SpecDim, SpecShape } from "../shape/bind.js";
import type { Tensor } from "../tensor/tensor.js";
import { type CsvDataset, type CsvOptions, csvDataset, type JsonDatasetOptions, jsonDataset } from "./datasets.js";
import { type DecodeErrors, draw } from "./errors.js";
import { decodeParams } from "./params.js";
import { decodeTensor, type TensorCodecOptions } from "./tensor.js";
import { type DecodeTensorsOptions, decodeTensors, type TensorSpecs, type TensorsOf } from "./tensors.js";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * A failed decode, thrown: `message` is `<fn>: <the drawn errors>` (one line per error, each with
 * its path), `errors` the forest itself.
 *
 * @example
 * import { DecodeFailure, decodeTensorOrThrow, errorPaths } from "typegrad"
 * const thrown = (f: () => unknown): unknown => { try { return f() } catch (e) { return e } }
 * const e = thrown(() => decodeTensorOrThrow([2, 3], [[1, 2, 3], [4, 5]]))
 * e instanceof DecodeFailure // true
 * e instanceof DecodeFailure && e.message // "decodeTensor: index 1: row has 2 values, expected 3"
 * e instanceof DecodeFailure && errorPaths(e.errors) // [[["index 1"], "row has 2 values, expected 3"]]
 * @category model
 * @since 0.1.0
 */
export class DecodeFailure extends Error {
  override readonly name = "DecodeFailure";
  /** The function that failed. */
  readonly fn: string;
  /** The errors, as data (`draw` and `errorPaths` read them). */
  readonly errors: DecodeErrors;
  constructor(fn: string, errors: DecodeErrors) {
    super(`${fn}: ${draw(errors)}`);
    this.fn = fn;
    this.errors = errors;
  }
}

// -------------------------------------------------------------------------------------
// destructors
// -------------------------------------------------------------------------------------

/**
 * The value of a `Right`; a `Left` thrown as a `DecodeFailure` naming `fn`. Curried, for `pipe`.
 *
 * @example
 * import { DecodeFailure, decodeTensors, orThrow } from "typegrad"
 * import { pipe } from "fp-ts/lib/function.js"
 * const json = { X: [[0, 0, 1, 1], [0, 1, 0, 1]], Y: [[0, 1, 1, 0]] }
 * const { X, Y } = pipe(decodeTensors({ X: [2, "m"], Y: [1, "m"] }, json), orThrow("loading xor.json"))
 * X // Tensor<[2, 4]> (typed Tensor<[2, "m"]>)
 * Y // [[0, 1, 1, 0]]
 * const thrown = (f: () => unknown): unknown => { try { return f() } catch (e) { return e } }
 * const e = thrown(() => pipe(decodeTensors({ X: [2, "m"] }, { X: [[0, 1]] }), orThrow("loading xor.json")))
 * e instanceof DecodeFailure && e.message // "loading xor.json: X: dim 0 is 1, expected 2"
 * @category destructors
 * @since 0.1.0
 */
export const orThrow =
  (fn: string) =>
  <A>(r: E.Either<DecodeErrors, A>): A => {
    if (r._tag === "Left") throw new DecodeFailure(fn, r.left);
    return r.right;
  };

// -------------------------------------------------------------------------------------
// throwing variants
// -------------------------------------------------------------------------------------

/**
 * `decodeTensor`, throwing a `DecodeFailure` instead of returning `Left`.
 *
 * @example
 * import { decodeTensorOrThrow } from "typegrad"
 * decodeTensorOrThrow([2, "m"], [[1, 2, 3], [4, 5, 6]]) // Tensor<[2, 3]> (typed Tensor<[2, "m"]>)
 * @category throwing variants
 * @since 0.1.0
 */
export const decodeTensorOrThrow = <const S extends SpecDim[]>(spec: readonly [...S], u: unknown, opts?: TensorCodecOptions): Tensor<SpecShape<S>> =>
  orThrow("decodeTensor")(decodeTensor(spec, u, opts));

/**
 * `decodeTensors`, throwing a `DecodeFailure` instead of returning `Left`.
 *
 * @example
 * import { decodeTensorsOrThrow } from "typegrad"
 * const { X, Y } = decodeTensorsOrThrow({ X: [2, "m"], Y: [1, "m"] }, { X: [[1, 2], [3, 4]], Y: [[0, 1]] })
 * X // Tensor<[2, 2]> (typed Tensor<[2, "m"]>)
 * Y // Tensor<[1, 2]> (typed Tensor<[1, "m"]>)
 * @category throwing variants
 * @since 0.1.0
 */
export const decodeTensorsOrThrow = <const Sp extends TensorSpecs>(specs: Sp, input: unknown, opts?: DecodeTensorsOptions): TensorsOf<Sp> =>
  orThrow("decodeTensors")(decodeTensors(specs, input, opts));

/**
 * `decodeParams`, throwing a `DecodeFailure` instead of returning `Left` (every mismatched
 * parameter by name, one per line).
 *
 * @example
 * import { DecodeFailure, decodeParamsOrThrow, mlp, rng } from "typegrad"
 * const net = mlp([2, 1])
 * const params = decodeParamsOrThrow(net.init(rng(0)), JSON.parse('{"W1": [[0.5, -0.5]], "b1": [[0]]}'))
 * params.W1 // [[0.5, -0.5]]
 * const thrown = (f: () => unknown): unknown => { try { return f() } catch (e) { return e } }
 * const e = thrown(() => decodeParamsOrThrow(net.init(rng(0)), { W1: [[1, 2, 3]], b1: [[0]] }))
 * e instanceof DecodeFailure && e.message // "decodeParams: W1: dim 1 is 3, expected 2"
 * @category throwing variants
 * @since 0.1.0
 */
export function decodeParamsOrThrow<const Sp extends TensorSpecs>(specs: Sp, input: unknown, opts?: DecodeTensorsOptions): TensorsOf<Sp>;
export function decodeParamsOrThrow<P extends Params>(model: P, input: unknown, opts?: DecodeTensorsOptions): P;
export function decodeParamsOrThrow(model: TensorSpecs | Params, input: unknown, opts?: DecodeTensorsOptions): unknown {
  return orThrow("decodeParams")(decodeParams(model as TensorSpecs, input, opts) as E.Either<DecodeErrors, unknown>);
}

/**
 * `csvDataset`, throwing a `DecodeFailure` instead of returning `Left` (every bad cell with its
 * line and column).
 *
 * @example
 * import { csvDatasetOrThrow, examplesFrom } from "typegrad"
 * const data = csvDatasetOrThrow("x1,x2,y\n1,2,0\n3,4,1\n", { label: "y" })
 * data.X // [[1, 3], [2, 4]]
 * data.Y // [[0, 1]]
 * examplesFrom(data).m // 2
 * @category throwing variants
 * @since 0.1.0
 */
export const csvDatasetOrThrow = (text: string, options: CsvOptions): CsvDataset => orThrow("csvDataset")(csvDataset(text, options));

/**
 * `jsonDataset`, throwing a `DecodeFailure` instead of returning `Left`.
 *
 * @example
 * import { jsonDatasetOrThrow } from "typegrad"
 * const { X, Y } = jsonDatasetOrThrow('{"X": [[1, 2], [3, 4]], "Y": [[0, 1]]}', { X: [2, "m"], Y: [1, "m"] })
 * X // Tensor<[2, 2]> (typed Tensor<[2, "m"]>)
 * Y // [[0, 1]]
 * @category throwing variants
 * @since 0.1.0
 */
export const jsonDatasetOrThrow = <const Sp extends TensorSpecs>(text: string, specs: Sp, opts?: JsonDatasetOptions): TensorsOf<Sp> => orThrow("jsonDataset")(jsonDataset(text, specs, opts));
