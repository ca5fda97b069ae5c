/**
 * The public memory scope, `tidy` (as `tf.tidy`): the autodiff core's scope (`tidy` in
 * `core.ts`, the one mechanism the library's own scopes use too), keeping what the function
 * returns.
 *
 * @module
 */
import { tidy as scope } from "./core.js";
import { tensorsIn } from "./tree.js";

/**
 * Run `f`, then give back to its backend the memory of every tensor made inside it, except the
 * tensors `f` returns; return what `f` returned, unchanged. On the WASM backend the next result
 * of the same size takes a released block (still in cache, never copied out of WASM memory);
 * without `tidy` a dropped result stays in the ring until its eviction copies it to the JS heap,
 * since JavaScript cannot tell that it is dead.
 *
 * - **Kept:** the tensors reachable from the returned value through arrays, records, the keys
 *   and values of a `Map`, the items of a `Set` and the fields of a class instance (`[a, { b }]`);
 *   numbers, strings, typed arrays and functions may be returned too, and are not looked into (a
 *   tensor hung on a returned function is released). What is kept belongs to the enclosing
 *   `tidy`, if any.
 * - **Released:** every tensor made inside `f` and not kept: computed by ops, and made by
 *   creation functions (`tensor`, `fromArray`, `zeros`, `randn`, decoders…): made inside by
 *   your code, so yours to keep or drop. Tensors made before `tidy`, the parameters passed in,
 *   and constants the backend shares (cached scalars) are never released.
 * - **Nesting:** an inner `tidy` releases its own at its end; what it returns belongs to the
 *   outer one. `trainStep`, `fit`, `grad` and the optimizers release their own intermediates
 *   already, inside a `tidy` or not; inside `grad` or `vjp` nothing is released by `tidy`
 *   while the differentiation is open (the values may be needed by the pullback).
 * - **After release:** any use of a released tensor (an op, `toArray`, `item`…) throws an error
 *   naming the function and the argument, on every backend. If `f` throws, what it made is
 *   released and the error propagates unchanged. `f` must be synchronous: a function that
 *   returns a promise does not compile, and is refused at run time (tensors made after an
 *   `await` would escape the scope).
 *
 * Use it around plain elementwise loops whose results you drop (`tidy(() => { sigmoid(x) })`)
 * or to compute a number from temporaries; a training loop of `trainStep` or `fit` needs none.
 *
 * @example
 * import { add, exp, item, mul, sum, tensor, tidy, toArray } from "typegrad"
 * const x = tensor([1, 2, 3])
 * // add's result is released at the end, the product is kept
 * const y = tidy(() => mul(add(x, 1), 2))
 * toArray(y) // [4, 6, 8]
 * // a number: every tensor made inside is released
 * tidy(() => item(sum(exp(x)))) // 30.19…
 * // the tensors of a returned tree are kept
 * const [a, { b }] = tidy(() => [add(x, 1), { b: mul(x, x) }] as const)
 * toArray(a) // [2, 3, 4]
 * toArray(b) // [1, 4, 9]
 * @category memory
 */
export const tidy = <A>(
  // biome-ignore lint/suspicious/noConfusingVoidType: a body with no return statement is typed void; it must be accepted (a promise must not)
  f: () => (A & { readonly then?: never }) | (A & (undefined | void | null)),
): A => {
  if (typeof f !== "function") throw new TypeError(`tidy: argument 'f' must be a function, got ${typeof f}`);
  return scope(
    () => {
      const out = f();
      if (isThenable(out)) {
        // an async f goes on after this scope has closed: its tensors would be released under it
        Promise.resolve(out).catch(() => undefined);
        throw new TypeError(
          "tidy: f returned a promise; tidy takes a synchronous function (tensors made after an await would escape its scope): call tidy inside the async function, around its synchronous parts",
        );
      }
      return out;
    },
    (out) => tensorsIn("tidy", out, "the returned values"),
    "tidy",
  );
};

const isThenable = (u: unknown): boolean => u !== null && (typeof u === "object" || typeof u === "function") && typeof (u as { then?: unknown }).then === "function";
