/**
 * The live gradient check: typegrad's law kit on the current network, layer by layer, in float64
 * on the reference backend. For each layer:
 *
 * - `checkLayer`'s laws (`runLayerLaws`): the layer's hand-written backward pass (the course's
 *   `dW`, `db`, `dA_prev`) against autodiff, the gradient shapes, and the forward's VJP against
 *   central differences, on the layer's real inputs (the previous layer's activations on training
 *   points);
 * - `checkFunction`'s laws (`runFunctionLaws`) on the network's cost as a function of that
 *   layer's parameters;
 * - the worst relative error `|numeric − autodiff| / (|numeric| + |autodiff|)` of the cost's
 *   directional derivative over random directions (`dotProduct`, central differences).
 *
 * @module
 */
import fc from "fast-check";
import { type AnyDense, fromArray, randn, reference, rng, type Tensor, toFlat, withBackend } from "typegrad";
import { dotProduct, finiteDifferenceStep, runFunctionLaws, runLayerLaws } from "typegrad/laws";
import type { LayerParams, NetParams } from "./net.js";

export interface LayerCheck {
  /** 1-based, as the course numbers layers. */
  readonly layer: number;
  readonly shape: string;
  readonly activation: string;
  /** Each law and whether it held. */
  readonly laws: readonly { readonly law: string; readonly ok: boolean; readonly message?: string }[];
  /** Worst relative error of the directional derivative over the directions tried. */
  readonly worstRelError: number;
}

const to64 = (t: Tensor): Tensor => fromArray(t.shape as number[], toFlat(t), { dtype: "float64" });
const params64 = (p: LayerParams): LayerParams => ({ W: to64(p.W), b: to64(p.b), ...(p.alpha === undefined ? {} : { alpha: to64(p.alpha) }) });

/**
 * Check every layer of a network at its current parameters on examples `X`, `Y` (columns).
 * `directions` random directions per layer for the relative error; `runs` cases per law.
 */
export const gradientCheck = (
  layers: readonly AnyDense[],
  params: NetParams,
  cost: (out: Tensor, Y: Tensor) => Tensor<[]>,
  X: Tensor,
  Y: Tensor,
  opts: { readonly directions?: number; readonly runs?: number; readonly seed?: number } = {},
): LayerCheck[] =>
  withBackend(reference, () => {
    const ps = params.map(params64);
    const X64 = to64(X);
    const Y64 = to64(Y);
    const g = rng(opts.seed ?? 0);
    const eps = finiteDifferenceStep.float64;
    const runs = opts.runs ?? 3;
    // the input of each layer: the previous layer's activations
    const inputs: Tensor[] = [X64];
    layers.forEach((l, k) => {
      inputs.push(l.apply(ps[k] as never, inputs[k] as never) as Tensor);
    });
    const costOfLayer =
      (k: number) =>
      (p: LayerParams): Tensor<[]> => {
        let A: Tensor = inputs[k] as Tensor;
        for (let j = k; j < layers.length; j++) A = (layers[j] as AnyDense).apply((j === k ? p : ps[j]) as never, A as never) as Tensor;
        return cost(A, Y64);
      };
    return layers.map((layer, k) => {
      const p = ps[k] as LayerParams;
      const name = `layer ${k + 1}`;
      const course = {
        params: p as Readonly<Record<string, Tensor>>,
        forward: (q: Readonly<Record<string, Tensor>>, x: Tensor) => layer.forward(q as never, x as never) as unknown as readonly [Tensor, unknown],
        backward: (q: Readonly<Record<string, Tensor>>, dy: Tensor, cache: unknown) => ({ ...layer.backward(q as never, dy as never, cache as never) }) as Readonly<Record<string, Tensor>>,
      };
      const layerLaws = runLayerLaws(course, fc.constant(inputs[k] as Tensor), { name, numRuns: runs, seed: opts.seed ?? 0 });
      const fnLaws = runFunctionLaws(costOfLayer(k), fc.constant(p), { name: `${name} cost`, numRuns: runs, seed: opts.seed ?? 0 });
      let worst = 0;
      for (let d = 0; d < (opts.directions ?? 4); d++) {
        const v: LayerParams = {
          W: randn(g, p.W.shape as number[], { dtype: "float64" }),
          b: randn(g, p.b.shape as number[], { dtype: "float64" }),
          ...(p.alpha === undefined ? {} : { alpha: randn(g, p.alpha.shape as number[], { dtype: "float64" }) }),
        };
        const r = dotProduct(costOfLayer(k), p, v, fromArray([], [1], { dtype: "float64" }), eps);
        const denom = Math.abs(r.numeric) + Math.abs(r.autodiff);
        worst = Math.max(worst, denom === 0 ? 0 : Math.abs(r.numeric - r.autodiff) / denom);
      }
      return {
        layer: k + 1,
        shape: `${p.W.shape.join("×")}`,
        activation: layer.activation,
        laws: [...layerLaws, ...fnLaws].map((o) => ({ law: o.subject.endsWith("cost") ? `cost: ${o.law}` : o.law, ok: o.ok, ...(o.message === undefined ? {} : { message: o.message }) })),
        worstRelError: worst,
      };
    });
  });
