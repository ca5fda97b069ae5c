/**
 * The matmul laws at every edge of the WASM gemm's blocking (`GEMM_EDGES` in src/ops/matmul.ts:
 * the micro-tile MR × NR, the K chunks of KC, the row blocks of MC, the column blocks of NC), one
 * dim just below, at and just above each edge, every transpose combination, on both backends:
 * forward against the spec's reference (float32 and float64) and the float64 dot-product
 * gradient law. The random sampler reaches these edges too, but only now and then; these cases
 * are checked on every run. The other dims stay small, so the oracle stays cheap.
 */
import { describe, expect, it } from "vitest";
import { describeMismatch, finiteDifferenceStep, firstMismatch, forwardTolerance, gradientTolerance } from "../laws/approx.js";
import { toDense } from "../laws/checkOp.js";
import { dotProduct, dotProductLaw } from "../laws/gradient.js";
import type { Backend } from "../src/backend/backend.js";
import { withBackend } from "../src/backend/current.js";
import { reference } from "../src/backend/reference.js";
import { wasm } from "../src/backend/wasm/index.js";
import { GEMM_EDGES, matmulDef } from "../src/ops/matmul.js";
import { toFlat } from "../src/tensor/create.js";
import { rng, uniform } from "../src/tensor/random.js";
import type { Tensor } from "../src/tensor/tensor.js";

const around = (e: number): number[] => [e - 1, e, e + 1];
const { MR, NR, KC, MC, NC } = GEMM_EDGES;

/** [m, k, n]: one dim at an edge, the others small and ragged (3, 5). */
const shapes: [number, number, number][] = [
  ...around(MR).map((m): [number, number, number] => [m, 5, 3]),
  ...NR.flatMap(around).map((n): [number, number, number] => [3, 5, n]),
  ...around(MC).map((m): [number, number, number] => [m, 3, 5]),
  ...around(KC).map((k): [number, number, number] => [3, k, 5]),
  ...NC.flatMap(around).map((n): [number, number, number] => [3, 5, n]),
];

const backends: [string, Backend][] = [
  ["reference", reference],
  ["wasm", wasm],
];

describe.each(backends)("matmul at the gemm edges on %s", (_name, backend) => {
  it.each(shapes)("[%i, %i] @ [·, %i], all transposes: forward (both dtypes) and the vjp dot product", (m, k, n) => {
    withBackend(backend, () => {
      const g = rng(m * 1_000_003 + k * 1009 + n);
      for (const transA of [false, true])
        for (const transB of [false, true]) {
          const params = { transA, transB };
          const sa = transA ? [k, m] : [m, k];
          const sb = transB ? [n, k] : [k, n];
          for (const dtype of ["float32", "float64"] as const) {
            const xs = [uniform(g, sa, -3, 3, { dtype }), uniform(g, sb, -3, 3, { dtype })] as Tensor[];
            const out = matmulDef.spec.call(xs, params);
            const ref = matmulDef.spec.reference(xs.map(toDense), params);
            const miss = firstMismatch(toFlat(out), ref.data, forwardTolerance[dtype]);
            expect(miss && describeMismatch(miss), `${dtype} transA ${transA} transB ${transB}`).toBeUndefined();
            if (dtype === "float32") continue;
            const f = (p: Tensor[]) => matmulDef.spec.call(p, params);
            const v = [uniform(g, sa, -1, 1, { dtype }), uniform(g, sb, -1, 1, { dtype })] as Tensor[];
            const u = uniform(g, [m, n], -1, 1, { dtype }) as Tensor;
            const ok = dotProductLaw(f, xs, v, u, finiteDifferenceStep.float64, gradientTolerance.float64);
            expect(ok, `vjp dot product, transA ${transA} transB ${transB}: ${JSON.stringify(dotProduct(f, xs, v, u, finiteDifferenceStep.float64))}`).toBe(true);
          }
        }
    });
  });
});
