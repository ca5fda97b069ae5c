/**
 * `struct(name, required, optional)`: the io-ts codec of an object with required and optional
 * fields, which keeps only the fields it knows. Unlike `t.intersection([t.type, t.partial])` it
 * reports a bad field at its own path (`sizes: index 1: ...`), without the intersection's member
 * index, so `draw` prints paths a reader can follow.
 *
 * @module
 */
import * as E from "fp-ts/lib/Either.js";
import * as t from "io-ts";
import { describeValue } from "./errors.js";

/**
 * The decoded type of a struct.
 *
 * @example
 * type P = StructOf<{ x: t.NumberC }, { label: t.StringC }> // { readonly x: number } & { readonly label?: string }
 * @category model
 * @since 0.2.0
 */
export type StructOf<R extends t.Props, O extends t.Props> = { readonly [K in keyof R]: t.TypeOf<R[K]> } & { readonly [K in keyof O]?: t.TypeOf<O[K]> };

/**
 * An object codec with required fields `req` and optional fields `opt` (absent or `undefined`);
 * decoding drops any other key.
 *
 * @example
 * import * as t from "io-ts"
 * import { struct } from "typegrad"
 * struct("Point", { x: t.number }, { label: t.string }).decode({ x: 1, extra: true }) // Right({ x: 1 })
 * @category constructors
 * @since 0.2.0
 */
export const struct = <R extends t.Props, O extends t.Props>(name: string, req: R, opt: O): t.Type<StructOf<R, O>> => {
  const entries = [...Object.entries(req).map(([k, c]) => [k, c, true] as const), ...Object.entries(opt).map(([k, c]) => [k, c, false] as const)];
  const codec: t.Type<StructOf<R, O>> = new t.Type<StructOf<R, O>>(
    name,
    (u): u is StructOf<R, O> => E.isRight(codec.validate(u, [])),
    (u, c) => {
      if (u === null || typeof u !== "object" || Array.isArray(u)) return t.failure(u, c, `expected an object (${name}), got ${describeValue(u)}`);
      const rec = u as Record<string, unknown>;
      const errors: t.ValidationError[] = [];
      const out: Record<string, unknown> = {};
      for (const [k, type, required] of entries) {
        const v = Object.hasOwn(rec, k) ? rec[k] : undefined;
        if (v === undefined && !required) continue;
        const r = type.validate(v, [...c, { key: k, type, actual: v }]);
        if (E.isLeft(r)) errors.push(...r.left);
        else out[k] = r.right;
      }
      return errors.length > 0 ? t.failures(errors) : t.success(out as StructOf<R, O>);
    },
    (a) => {
      const out: Record<string, unknown> = {};
      for (const [k, type] of entries) {
        const v = (a as Record<string, unknown>)[k];
        if (v !== undefined) out[k] = type.encode(v);
      }
      return out as StructOf<R, O>;
    },
  );
  return codec;
};

/** A number codec refined by `ok`, failing with `expected <what>, got <the value>`. */
export const refine = (name: string, ok: (n: number) => boolean, what: string): t.Type<number> =>
  new t.Type<number>(
    name,
    (u): u is number => typeof u === "number" && ok(u),
    (u, c) => (typeof u === "number" && ok(u) ? t.success(u) : t.failure(u, c, `expected ${what}, got ${describeValue(u)}`)),
    t.identity,
  );
