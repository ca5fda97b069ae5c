/**
 * The backend new tensors are created on. Ops run on the backend of their first input, so this
 * only decides where data enters. The reference backend is the default.
 *
 * @module
 */
import type { Backend } from "./backend.js";
import { reference } from "./reference.js";

let current: Backend = reference;

/** The backend creation functions use. @category backend */
export const getBackend = (): Backend => current;

/** Make `b` the backend creation functions use; returns the previous one. @category backend */
export const setBackend = (b: Backend): Backend => {
  const prev = current;
  current = b;
  return prev;
};

/** Run `f` with `b` as the creation backend, then restore the previous one. @category backend */
export const withBackend = <T>(b: Backend, f: () => T): T => {
  const prev = setBackend(b);
  try {
    return f();
  } finally {
    setBackend(prev);
  }
};
