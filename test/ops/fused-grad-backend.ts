/**
 * A backend without one of the fused loss pullbacks (`logLossGrad`, `softmaxCrossEntropyGrad`),
 * as a user's backend may be: the reference backend's kernels, checked and watched. Every binary
 * kernel must get shapes that describe its storages (a backend may rely on them), one-element
 * fills are handed out as shared storages (as the WASM backend's cached scalars, which the library
 * must never give back), and what the library gives back is recorded.
 */
import type { Backend, Storage } from "../../src/backend/backend.js";
import { reference } from "../../src/backend/reference.js";

const size = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

export interface Watched {
  readonly backend: Backend;
  /** Storages given back (`release`), in order. */
  readonly released: Storage[];
  /** The shared one-element storages `fill` handed out. */
  readonly shared: Set<Storage>;
  /** Binary kernel calls whose shapes did not describe their storages. */
  readonly badShapes: string[];
}

export const withoutFused = (method: "logLossGrad" | "softmaxCrossEntropyGrad"): Watched => {
  const proto = Object.getPrototypeOf(reference) as Backend;
  const { [method]: _, ...rest } = reference as Backend & Record<string, unknown>;
  const released: Storage[] = [];
  const shared = new Set<Storage>();
  const badShapes: string[] = [];
  const backend = Object.assign(Object.create(proto), rest, {
    name: `reference without ${method}`,
    [method]: undefined,
    binary(this: Backend, op: string, a: Storage, aShape: readonly number[], b: Storage, bShape: readonly number[], outShape: readonly number[], then?: string): Storage {
      if (size(aShape) !== a.length || size(bShape) !== b.length || !Number.isInteger(size(outShape)))
        badShapes.push(`${op}: a ${JSON.stringify(aShape)} of ${a.length}, b ${JSON.stringify(bShape)} of ${b.length}, out ${JSON.stringify(outShape)}`);
      return (proto.binary as (...x: unknown[]) => Storage).call(this, op, a, aShape, b, bShape, outShape, then);
    },
    fill(this: Backend, dtype: Storage["dtype"], n: number, value: number): Storage {
      const s = proto.fill.call(this, dtype, n, value);
      if (n === 1) {
        (s as { shared?: boolean }).shared = true;
        shared.add(s);
      }
      return s;
    },
    release(s: Storage): void {
      released.push(s);
    },
  }) as Backend;
  return { backend, released, shared, badShapes };
};
