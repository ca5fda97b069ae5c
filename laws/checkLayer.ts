/**
 * `checkLayer(layer, inputs)`: a layer's hand-written backward pass against autodiff.
 *
 * A layer is any value of the structural type {@link Layer}: its parameters, a forward pass
 * returning the output and a cache, and a backward pass from the output's cotangent and the cache
 * to `{ dA_prev, ...grads }`, the gradient of parameter `K` under the key `dK` (the course's
 * `dW`, `db`) or `K`.
 *
 * Conventions (`convention`): `"course"` (default) is the course's: `dA` is the derivative of the
 * per-example loss, so `dW = ∂J/∂W` for the cost averaged over the `m` examples (`batchAxis`,
 * default the last: columns are examples) and `dA_prev` stays per-example; i.e. `dK = vjp(dA)_K / m`
 * and `dA_prev = vjp(dA)_x`. `"vjp"`: every gradient is the plain pullback of `dA`.
 *
 * Laws: `backward = autodiff` (values), `gradient shapes` (`dW` has the shape of `W`…), and
 * `forward vjp dot product` (the ops of the forward pass differentiate correctly).
 *
 * @module
 */
import fc from "fast-check";
import type { Params } from "../src/autodiff/tree.js";
import { vjp } from "../src/autodiff/vjp.js";
import { toFlat } from "../src/tensor/create.js";
import type { Tensor } from "../src/tensor/tensor.js";
import { describeMismatch, finiteDifferenceStep, firstMismatch, forwardTolerance, gradientTolerance, sameShape } from "./approx.js";
import { drawDirection } from "./arbitraries.js";
import { dtypeOfTree } from "./checkFunction.js";
import { dotProduct, dotProductLaw } from "./gradient.js";
import { assertOutcomes, type LawOutcome, type NamedProperty, type RunOptions, runProperties } from "./outcome.js";
import { showTensor } from "./show.js";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * A layer, structurally: parameters (a record of tensors), `forward`, `backward`.
 *
 * @category model
 * @since 0.1.0
 */
export interface Layer<P extends Readonly<Record<string, Tensor>>, C> {
  readonly params: P;
  readonly forward: (params: P, x: Tensor) => readonly [Tensor, C];
  readonly backward: (params: P, dy: Tensor, cache: C) => Readonly<Record<string, Tensor>>;
}

/**
 * Options of `checkLayer`.
 *
 * @category model
 * @since 0.1.0
 */
export interface LayerOptions extends RunOptions {
  readonly name?: string;
  readonly convention?: "course" | "vjp";
  /** The examples axis of the input (default -1: columns are examples). */
  readonly batchAxis?: number;
}

const fail = (msg: string): never => {
  throw new Error(msg);
};

/** The backward's gradient of parameter `k`: `dk`, else `k`. */
const gradOf = (grads: Readonly<Record<string, Tensor>>, k: string): Tensor =>
  grads[`d${k}`] ?? grads[k] ?? fail(`backward returned no gradient for parameter '${k}' (expected key 'd${k}' or '${k}'; got ${Object.keys(grads).join(", ")})`);

// -------------------------------------------------------------------------------------
// runners
// -------------------------------------------------------------------------------------

/**
 * The laws of `layer` as named properties, on inputs drawn by `inputs`.
 *
 * @example
 * import { dense, rng, type Tensor } from "typegrad"
 * import { arbTensor, layerProperties } from "typegrad/laws"
 * const layer = dense(2, 3, { activation: "tanh" })
 * const params = layer.init(rng(0), { dtype: "float64" })
 * const course = {
 *   params,
 *   forward: (p: typeof params, x: Tensor) => layer.forward(p, x as Tensor<[2, number]>),
 *   backward: (p: typeof params, dy: Tensor, cache: ReturnType<typeof layer.forward>[1]) => ({ ...layer.backward(p, dy as Tensor<[3, number]>, cache) }),
 * }
 * const inputs = arbTensor([2, 4], undefined, { dtype: "float64" })
 * layerProperties(course, inputs).length > 0 // true
 * @category runners
 * @since 0.1.0
 */
export const layerProperties = <P extends Readonly<Record<string, Tensor>>, C>(layer: Layer<P, C>, inputs: fc.Arbitrary<Tensor>, opts: LayerOptions = {}): NamedProperty[] => {
  if (layer === null || typeof layer !== "object" || typeof layer.forward !== "function" || typeof layer.backward !== "function") {
    throw new TypeError("checkLayer: argument 'layer' must be { params, forward, backward }");
  }
  const { params } = layer;
  const course = (opts.convention ?? "course") === "course";
  const batchAxis = opts.batchAxis ?? -1;
  const keys = Object.keys(params);
  const run = (x: Tensor, g: fc.GeneratorValue) => {
    const [y, cache] = layer.forward(params, x);
    const dy = drawDirection(g, y.shape as readonly number[], y.dtype);
    const grads = layer.backward(params, dy, cache);
    const [, pullback] = vjp((q: { p: P; x: Tensor }) => layer.forward(q.p, q.x)[0], { p: params, x } as { p: P; x: Tensor } as never);
    const auto = pullback(dy) as unknown as { p: P; x: Tensor };
    const xs = x.shape as readonly number[];
    const m = course ? (xs[batchAxis < 0 ? batchAxis + xs.length : batchAxis] as number) : 1;
    return { grads, auto, m, dy, y };
  };
  const values = fc.property(inputs, fc.gen(), (x, g) => {
    const { grads, auto, m } = run(x, g);
    const tol = forwardTolerance[x.dtype];
    const dA = grads.dA_prev ?? fail(`backward returned no 'dA_prev' (got ${Object.keys(grads).join(", ")})`);
    const mx = firstMismatch(toFlat(dA), toFlat(auto.x), tol);
    if (mx !== undefined) fail(`dA_prev ${describeMismatch(mx)}\n${showTensor(x, "input")}`);
    for (const k of keys) {
      const mk = firstMismatch(
        toFlat(gradOf(grads, k)),
        Array.from(toFlat(auto.p[k] as Tensor), (v) => v / m),
        tol,
      );
      if (mk !== undefined) fail(`d${k} ${describeMismatch(mk)} (autodiff${course ? ` / m, m = ${m}` : ""})\n${showTensor(x, "input")}`);
    }
  });
  const shapes = fc.property(inputs, fc.gen(), (x, g) => {
    const { grads } = run(x, g);
    const dA = grads.dA_prev ?? fail("backward returned no 'dA_prev'");
    if (!sameShape(dA.shape as readonly number[], x.shape as readonly number[])) fail(`dA_prev has shape [${dA.shape.join(", ")}], the input [${x.shape.join(", ")}]`);
    for (const k of keys) {
      const d = gradOf(grads, k);
      const p = params[k] as Tensor;
      if (!sameShape(d.shape as readonly number[], p.shape as readonly number[])) fail(`d${k} has shape [${d.shape.join(", ")}], ${k} has [${p.shape.join(", ")}]`);
    }
  });
  const dot = fc.property(inputs, fc.gen(), (x, g) => {
    const f = (q: { p: P; x: Tensor }): Tensor => layer.forward(q.p, q.x)[0];
    const q = { p: params, x } as { p: P; x: Tensor };
    const dt = dtypeOfTree(q as unknown as Params);
    const v = {
      p: Object.fromEntries(keys.map((k) => [k, drawDirection(g, (params[k] as Tensor).shape as readonly number[], (params[k] as Tensor).dtype)])),
      x: drawDirection(g, x.shape as readonly number[], x.dtype),
    } as {
      p: P;
      x: Tensor;
    };
    const y = f(q);
    const u = drawDirection(g, y.shape as readonly number[], y.dtype);
    const [eps, tol] = [finiteDifferenceStep[dt], gradientTolerance[dt]];
    if (!dotProductLaw(f as never, q as never, v as never, u, eps, tol)) {
      const d = dotProduct(f as never, q as never, v as never, u, eps);
      fail(`forward: ⟨u, jvp⟩ = ${d.numeric}, ⟨pullback(u), v⟩ = ${d.autodiff}\n${showTensor(x, "input")}`);
    }
  });
  return [
    { law: "backward = autodiff", property: values as unknown as fc.IProperty<never> },
    { law: "gradient shapes", property: shapes as unknown as fc.IProperty<never> },
    { law: "forward vjp dot product", property: dot as unknown as fc.IProperty<never> },
  ];
};

/**
 * Run the laws of `layer`; never throws for a failing law.
 *
 * @example
 * import { dense, rng, type Tensor } from "typegrad"
 * import { arbTensor, runLayerLaws } from "typegrad/laws"
 * const layer = dense(2, 3, { activation: "tanh" })
 * const params = layer.init(rng(0), { dtype: "float64" })
 * const course = {
 *   params,
 *   forward: (p: typeof params, x: Tensor) => layer.forward(p, x as Tensor<[2, number]>),
 *   backward: (p: typeof params, dy: Tensor, cache: ReturnType<typeof layer.forward>[1]) => ({ ...layer.backward(p, dy as Tensor<[3, number]>, cache) }),
 * }
 * const inputs = arbTensor([2, 4], undefined, { dtype: "float64" })
 * runLayerLaws(course, inputs, { numRuns: 5 }).every((o) => o.ok) // true
 * @category runners
 * @since 0.1.0
 */
export const runLayerLaws = <P extends Readonly<Record<string, Tensor>>, C>(layer: Layer<P, C>, inputs: fc.Arbitrary<Tensor>, opts: LayerOptions = {}): LawOutcome[] =>
  runProperties(opts.name ?? "layer", layerProperties(layer, inputs, opts), opts);

/**
 * Check a layer's backward pass against autodiff on inputs drawn by `inputs`; throws an `Error`
 * naming each failing law.
 *
 * @example
 * import { dense, rng, type Tensor } from "typegrad"
 * import { arbTensor, checkLayer } from "typegrad/laws"
 * const layer = dense(2, 3, { activation: "tanh" })
 * const params = layer.init(rng(0), { dtype: "float64" })
 * const course = {
 *   params,
 *   forward: (p: typeof params, x: Tensor) => layer.forward(p, x as Tensor<[2, number]>),
 *   backward: (p: typeof params, dy: Tensor, cache: ReturnType<typeof layer.forward>[1]) => ({ ...layer.backward(p, dy as Tensor<[3, number]>, cache) }),
 * }
 * const inputs = arbTensor([2, 4], undefined, { dtype: "float64" })
 * // the hand-written backward pass (the course's formulas) against autodiff; throws naming a failing law
 * checkLayer(course, inputs, { numRuns: 5 }).length > 0 // true
 * @category runners
 * @since 0.1.0
 */
export const checkLayer = <P extends Readonly<Record<string, Tensor>>, C>(layer: Layer<P, C>, inputs: fc.Arbitrary<Tensor>, opts: LayerOptions = {}): readonly LawOutcome[] =>
  assertOutcomes(runLayerLaws(layer, inputs, opts));
