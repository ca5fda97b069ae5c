/**
 * Naive dense arrays for the op specs' reference implementations: multi-index loops, no strides,
 * no shared code with the backends, so a reference is an independent oracle.
 *
 * @module
 */
import { reduce } from "../shape/reduce.js";
import type { Dense } from "./spec.js";

/** All multi-indices of a shape, in row-major order. */
export const indices = (shape: readonly number[]): number[][] => {
  let out: number[][] = [[]];
  for (const d of shape) {
    const next: number[][] = [];
    for (const ix of out) for (let i = 0; i < d; i++) next.push([...ix, i]);
    out = next;
  }
  return out;
};

/** The element at a multi-index, with numpy broadcasting against a longer index. */
export const at = (a: Dense, ix: readonly number[]): number => {
  let flat = 0;
  const off = ix.length - a.shape.length;
  a.shape.forEach((d, k) => {
    flat = flat * d + (d === 1 ? 0 : (ix[off + k] as number));
  });
  return a.data[flat] as number;
};

/** The broadcast shape of several shapes (numpy rules; assumes they are compatible). */
export const bshape = (...shapes: readonly (readonly number[])[]): number[] => {
  const r = Math.max(...shapes.map((s) => s.length));
  return Array.from({ length: r }, (_, k) => Math.max(...shapes.map((s) => s[s.length - r + k] ?? 1)));
};

/** `f` applied elementwise over broadcast inputs. */
export const zipWith = (xs: readonly Dense[], f: (...v: number[]) => number): Dense => {
  const shape = bshape(...xs.map((x) => x.shape));
  return { shape, data: indices(shape).map((ix) => f(...xs.map((x) => at(x, ix)))) };
};

/** Fold along one axis (removed from the result). */
export const foldAxis = (a: Dense, axis: number, f: (acc: number, v: number, i: number) => number, init: number): Dense => {
  const shape = a.shape.filter((_, k) => k !== axis);
  const data = indices(shape).map((ix) => {
    let acc = init;
    for (let i = 0; i < (a.shape[axis] as number); i++) acc = f(acc, at(a, [...ix.slice(0, axis), i, ...ix.slice(axis)]), i);
    return acc;
  });
  return { shape, data };
};

/** Normalise a possibly negative axis. */
export const axisOf = (axis: number, rank: number): number => (axis < 0 ? axis + rank : axis);

/** Fold along `axis` (every element when `undefined`), shaped like a reduction's output. */
export const reduceDense = (a: Dense, axis: number | undefined, keepDims: boolean, f: (acc: number, v: number, i: number) => number, init: number): Dense => {
  const flat = axis === undefined ? { shape: [a.data.length], data: a.data } : a;
  const r = foldAxis(flat, axis === undefined ? 0 : axisOf(axis, a.shape.length), f, init);
  return { shape: reduce(a.shape, axis, keepDims), data: r.data };
};
