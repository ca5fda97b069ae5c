/**
 * Several named tensors decoded together, with one binding of named dims:
 * `decodeTensors({ X: [784, "m"], Y: [10, "m"] }, input)` checks that X and Y agree on `m`, and
 * reports every mismatch of every tensor, not only the first.
 *
 * @module
 */
import * as E from "fp-ts/lib/Either.js";
import * as t from "io-ts";
import { type Binding, bindShapes, emptyBinding, type SpecShape } from "../shape/bind.js";
import type { OptionKeys } from "../shape/options.js";
import { isTensor, type Tensor } from "../tensor/tensor.js";
import { type DecodeError, type DecodeErrors, describeValue, key, leaf, nonEmpty, toValidationErrors, under } from "./errors.js";
import { checkOptions, checkSpec, checkTensor, encodeTensor, showSpec, type TensorCodecOptions, type TensorJson, type TensorSpec, tensorCodecKeys } from "./tensor.js";
import { guarded, plainKind, RESERVED_NAMES, readOwn, setOwn } from "./untrusted.js";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** TensorSpecs by name: `{ X: [784, "m"], Y: [10, "m"] }`. @category model @since 0.1.0 */
export type TensorSpecs = Readonly<Record<string, TensorSpec>>;

/** The tensors a record of specs promises: `{ X: Tensor<[784, "m"]>, Y: Tensor<[10, "m"]> }`. @category model @since 0.1.0 */
export type TensorsOf<Sp extends TensorSpecs> = { -readonly [K in keyof Sp]: Tensor<SpecShape<Sp[K]>> };

/** Options of `decodeTensors`: the codec options, and a binding to start from (`bindingWith({ m: 1 })`). @category model @since 0.1.0 */
export interface DecodeTensorsOptions extends TensorCodecOptions {
  readonly binding?: Binding;
}

/** The keys of {@link DecodeTensorsOptions}. @internal */
export const decodeTensorsKeys: OptionKeys<DecodeTensorsOptions> = { ...tensorCodecKeys, binding: true };

// -------------------------------------------------------------------------------------
// checking
// -------------------------------------------------------------------------------------

/** Validate a record of specs or throw a message naming the function. @internal */
export const checkSpecs = (fn: string, arg: string, specs: unknown): TensorSpecs => {
  if (specs === null || typeof specs !== "object" || Array.isArray(specs))
    throw new TypeError(`${fn}: argument '${arg}' must be a record of specs such as { X: [784, "m"] }, got ${describeValue(specs)}`);
  for (const k of Object.keys(specs)) {
    if (RESERVED_NAMES.includes(k)) throw new TypeError(`${fn}: argument '${arg}' has the name '${k}', which is not allowed (it is special in JavaScript objects)`);
    checkSpec(fn, `${arg}.${k}`, (specs as Record<string, unknown>)[k]);
  }
  return specs as TensorSpecs;
};

/**
 * Check every named tensor of `input` against `specs` with one shared binding. With `strict`,
 * names of `input` that are not in `specs` are errors too.
 *
 * @internal
 */
export const checkTensors = (
  specs: TensorSpecs,
  input: unknown,
  opts: DecodeTensorsOptions,
  strict: boolean,
  what = "tensor",
): { tensors: Record<string, Tensor>; binding: Binding; errors: DecodeError[] } => {
  const names = Object.keys(specs);
  const start = opts.binding ?? emptyBinding;
  const expected = (got: string): DecodeError => leaf(input, `expected an object with ${what}s ${names.join(", ")}, got ${got}`);
  return guarded(
    input,
    () => {
      if (input === null || typeof input !== "object" || Array.isArray(input) || ArrayBuffer.isView(input)) return { tensors: {}, binding: start, errors: [expected(describeValue(input))] };
      const kind = plainKind(input);
      if (kind !== "record") return { tensors: {}, binding: start, errors: [kind === "array" || kind === "other" ? expected(describeValue(input)) : kind] };
      let binding = start;
      const tensors: Record<string, Tensor> = {};
      const errors: DecodeError[] = [];
      for (const name of names) {
        const spec = specs[name] as TensorSpec;
        const member = readOwn(input, name);
        if (member.tag === "bad") {
          errors.push(key(name, [member.error]));
          continue;
        }
        if (member.tag === "absent" || member.value === undefined) {
          errors.push(...under(name, [leaf(undefined, `missing: expected a ${what} of shape ${showSpec(spec)}`)]));
          continue;
        }
        const r = checkTensor(name, spec, member.value, opts, binding);
        binding = r.binding;
        errors.push(...under(name, r.errors));
        if (r.tensor !== undefined) setOwn(tensors, name, r.tensor);
      }
      if (strict) {
        for (const k of Object.keys(input)) {
          if (Object.hasOwn(specs, k)) continue;
          const extra = readOwn(input, k);
          errors.push(...under(k, [leaf(extra.tag === "value" ? extra.value : undefined, `unexpected ${what} (expected only ${names.join(", ")})`)]));
        }
      }
      return { tensors, binding, errors };
    },
    (errors) => ({ tensors: {}, binding: start, errors: [...errors] }),
  );
};

// -------------------------------------------------------------------------------------
// constructors
// -------------------------------------------------------------------------------------

/**
 * Decode named tensors with one binding of named dims; all mismatches are reported. Names of
 * `input` not in `specs` are ignored. `input` must be a plain object whose members are own data
 * properties; each tensor is read as `tensorCodec` reads it, within `maxRank` (default 32) and
 * `maxElements` (default 2^28). Throws (naming the function) for a bad spec, including the names
 * `__proto__`, `constructor` and `prototype`.
 *
 * @example
 * import { decodeTensors, draw } from "typegrad"
 * import * as E from "fp-ts/lib/Either.js"
 * const r = decodeTensors({ X: [2, "m"], Y: [1, "m"] }, { X: [[1, 2, 3], [4, 5, 6]], Y: [[0, 1, 1]] })
 * E.isRight(r) && r.right.X // Tensor<[2, 3]>
 * const bad = decodeTensors({ X: [2, "m"], Y: [1, "m"] }, { X: [[1, 2, 3], [4, 5, 6]], Y: [[0, 1]] })
 * E.isLeft(bad) && draw(bad.left) // "Y: dim 'm' is 2 here but 3 in X"
 * @category constructors
 * @since 0.1.0
 */
export const decodeTensors = <const Sp extends TensorSpecs>(specs: Sp, input: unknown, opts?: DecodeTensorsOptions): E.Either<DecodeErrors, TensorsOf<Sp>> => {
  const r = checkTensors(checkSpecs("decodeTensors", "specs", specs), input, checkOptions("decodeTensors", opts, decodeTensorsKeys), false);
  const errs = nonEmpty(r.errors);
  return errs === undefined ? E.right(r.tensors as TensorsOf<Sp>) : E.left(errs);
};

/**
 * The io-ts codec of a record of named tensors sharing one binding (what `decodeTensors`
 * checks, with its limits and reading rules), encoding each tensor as `tensorCodec` does.
 *
 * @example
 * import { draw, fromValidationErrors, tensorsCodec } from "typegrad"
 * import * as E from "fp-ts/lib/Either.js"
 * import * as t from "io-ts"
 * const Request = t.type({ id: t.string, batch: tensorsCodec({ X: [4, "m"] }) })
 * const r = Request.decode({ id: "r1", batch: { X: [[1], [2], [3], [4]] } })
 * E.isRight(r) && r.right.batch.X // Tensor<[4, 1]>
 * const bad = Request.decode({ id: "r2", batch: { X: [[1], [2]] } })
 * E.isLeft(bad) && draw(fromValidationErrors(bad.left)) // "batch: X: dim 0 is 2, expected 4"
 * @category constructors
 * @since 0.1.0
 */
export const tensorsCodec = <const Sp extends TensorSpecs>(specs: Sp, opts?: DecodeTensorsOptions): t.Type<TensorsOf<Sp>, Record<string, TensorJson>, unknown> => {
  const sp = checkSpecs("tensorsCodec", "specs", specs);
  const options = checkOptions("tensorsCodec", opts, decodeTensorsKeys) as DecodeTensorsOptions;
  const name = `{ ${Object.entries(sp)
    .map(([k, s]) => `${k}: Tensor${showSpec(s)}`)
    .join(", ")} }`;
  const codec: t.Type<TensorsOf<Sp>, Record<string, TensorJson>, unknown> = new t.Type(
    name,
    (u): u is TensorsOf<Sp> => {
      if (u === null || typeof u !== "object") return false;
      return guarded(
        u,
        () => {
          const shapes: Record<string, readonly number[]> = {};
          for (const k of Object.keys(sp)) {
            const x = readOwn(u, k);
            if (x.tag !== "value" || !isTensor(x.value)) return false;
            setOwn(shapes, k, x.value.shape);
          }
          return bindShapes(sp, shapes).errors.length === 0;
        },
        () => false,
      );
    },
    (u, c) => {
      const r = checkTensors(sp, u, options, false);
      return r.errors.length === 0 ? t.success(r.tensors as TensorsOf<Sp>) : t.failures(toValidationErrors(r.errors, c, codec));
    },
    (x) => Object.fromEntries(Object.keys(sp).map((k) => [k, encodeTensor((x as Record<string, Tensor>)[k] as Tensor, options.encoding)])),
  );
  return codec;
};
