/**
 * The law kit's `checkLayer` on the library's own dense layer: its hand-written backward block
 * (the course's formulas) against autodiff, for every activation and both layouts, in float64.
 */
import { describe, expect, it } from "vitest";
import { arbTensor, checkLayer } from "../../laws/index.js";
import { activationNames, type DenseParams, dense, rng, type Tensor } from "../../src/index.js";

type AnyParams = Readonly<Record<string, Tensor>>;

describe("checkLayer on dense", () => {
  for (const activation of activationNames.filter((a) => a !== "rrelu" && a !== "softmax")) {
    for (const layout of ["columns", "rows"] as const) {
      it(`${activation}, ${layout} are examples`, () => {
        const layer = dense(4, 3, { activation, layout });
        const params = layer.init(rng(5), { dtype: "float64" }) as unknown as AnyParams;
        const outcomes = checkLayer(
          {
            params,
            forward: (p, x) => layer.forward(p as unknown as DenseParams<4, 3, typeof layout, typeof activation>, x as never),
            backward: (p, dy, cache) => layer.backward(p as unknown as DenseParams<4, 3, typeof layout, typeof activation>, dy as never, cache) as unknown as AnyParams,
          },
          arbTensor(layout === "columns" ? [4, 5] : [5, 4], { name: "away from 0", min: -2, max: 2, avoid: [0], margin: 0.05 }, { dtype: "float64" }),
          { name: `dense ${activation} ${layout}`, batchAxis: layout === "columns" ? -1 : 0, numRuns: 15 },
        );
        expect(outcomes.every((o) => o.ok)).toBe(true);
      });
    }
  }
});
