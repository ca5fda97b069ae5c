/**
 * The op registry: one line per op, and the only list of ops. Every other list is derived from
 * it: the op names (`OpName`), the kernel names and WASM op codes (`npm run gen:kernels`), the
 * shape laws' twin table (`laws/shape.ts`), the registry-driven tests. An entry must be a
 * complete `OpDef` (shape twin, forward, pullback or an explicit "nondiff"/"composite", law spec
 * with a sampler and a reference), or it does not compile; test/registry.test.ts fails on an op
 * exported from `typegrad` that has no entry.
 *
 * @module
 */
import { absDef } from "./abs.js";
import { addDef } from "./add.js";
import { addActDef } from "./addAct.js";
import { argmaxDef } from "./argmax.js";
import { astypeDef } from "./astype.js";
import { avgPool2dDef } from "./avgPool2d.js";
import { batchNormDef } from "./batchNorm.js";
import { broadcastToDef } from "./broadcastTo.js";
import { clipDef } from "./clip.js";
import { col2imDef } from "./col2im.js";
import { concatDef } from "./concat.js";
import { conv1dDef } from "./conv1d.js";
import { conv2dDef } from "./conv2d.js";
import { conv2dTransposeDef } from "./conv2dTranspose.js";
import { divDef } from "./div.js";
import { eluDef } from "./elu.js";
import { eqDef } from "./eq.js";
import { erfDef } from "./erf.js";
import { expDef } from "./exp.js";
import { expm1Def } from "./expm1.js";
import { flattenDef } from "./flatten.js";
import { geDef } from "./ge.js";
import { geluDef } from "./gelu.js";
import { geluTanhDef } from "./geluTanh.js";
import { globalAvgPool2dDef } from "./globalAvgPool2d.js";
import { gtDef } from "./gt.js";
import { hardSigmoidDef } from "./hardSigmoid.js";
import { im2colDef } from "./im2col.js";
import { leDef } from "./le.js";
import { leakyReluDef } from "./leakyRelu.js";
import { logDef } from "./log.js";
import { log1pDef } from "./log1p.js";
import { logLossGradDef } from "./logLossGrad.js";
import { logSigmoidDef } from "./logSigmoid.js";
import { logSoftmaxDef } from "./logSoftmax.js";
import { logSumExpDef } from "./logSumExp.js";
import { ltDef } from "./lt.js";
import { matmulDef } from "./matmul.js";
import { maxDef } from "./max.js";
import { maximumDef } from "./maximum.js";
import { maxPool2dDef } from "./maxPool2d.js";
import { meanDef } from "./mean.js";
import { minimumDef } from "./minimum.js";
import { mishDef } from "./mish.js";
import { mulDef } from "./mul.js";
import { neDef } from "./ne.js";
import { negDef } from "./neg.js";
import { padDef } from "./pad.js";
import { permuteDef } from "./permute.js";
import { powDef } from "./pow.js";
import { reluDef } from "./relu.js";
import { reluGradDef } from "./reluGrad.js";
import { reshapeDef } from "./reshape.js";
import { sigmoidDef } from "./sigmoid.js";
import { signDef } from "./sign.js";
import { siluDef } from "./silu.js";
import { sliceDef } from "./slice.js";
import { softmaxDef } from "./softmax.js";
import { softmaxCrossEntropyGradDef } from "./softmaxCrossEntropyGrad.js";
import { softplusDef } from "./softplus.js";
import type { Forward, OpDef, Pullback, ShapeTwin, Spec } from "./spec.js";
import { sqrtDef } from "./sqrt.js";
import { squareDef } from "./square.js";
import { stopGradientDef } from "./stopGradient.js";
import { subDef } from "./sub.js";
import { sumDef } from "./sum.js";
import { tanhDef } from "./tanh.js";
import { transposeDef } from "./transpose.js";
import { whereDef } from "./where.js";

const entries = {
  abs: absDef,
  maxPool2d: maxPool2dDef,
  globalAvgPool2d: globalAvgPool2dDef,
  conv2dTranspose: conv2dTransposeDef,
  conv1d: conv1dDef,
  batchNorm: batchNormDef,
  avgPool2d: avgPool2dDef,
  add: addDef,
  addAct: addActDef,
  argmax: argmaxDef,
  astype: astypeDef,
  broadcastTo: broadcastToDef,
  clip: clipDef,
  col2im: col2imDef,
  concat: concatDef,
  conv2d: conv2dDef,
  div: divDef,
  elu: eluDef,
  eq: eqDef,
  erf: erfDef,
  exp: expDef,
  expm1: expm1Def,
  flatten: flattenDef,
  ge: geDef,
  gelu: geluDef,
  geluTanh: geluTanhDef,
  gt: gtDef,
  hardSigmoid: hardSigmoidDef,
  le: leDef,
  leakyRelu: leakyReluDef,
  log: logDef,
  log1p: log1pDef,
  logLossGrad: logLossGradDef,
  logSigmoid: logSigmoidDef,
  logSoftmax: logSoftmaxDef,
  logSumExp: logSumExpDef,
  im2col: im2colDef,
  lt: ltDef,
  matmul: matmulDef,
  max: maxDef,
  maximum: maximumDef,
  mean: meanDef,
  minimum: minimumDef,
  mish: mishDef,
  mul: mulDef,
  ne: neDef,
  neg: negDef,
  pad: padDef,
  permute: permuteDef,
  pow: powDef,
  relu: reluDef,
  reluGrad: reluGradDef,
  reshape: reshapeDef,
  sigmoid: sigmoidDef,
  sign: signDef,
  silu: siluDef,
  slice: sliceDef,
  softmax: softmaxDef,
  softmaxCrossEntropyGrad: softmaxCrossEntropyGradDef,
  softplus: softplusDef,
  sqrt: sqrtDef,
  square: squareDef,
  stopGradient: stopGradientDef,
  sub: subDef,
  sum: sumDef,
  tanh: tanhDef,
  transpose: transposeDef,
  where: whereDef,
};

type Entries = typeof entries;

/** Every registered op: the registry's keys (never a hand-kept list). @category model */
export type OpName = keyof Entries;

/** The registry's type: every entry a complete `OpDef`. @category model */
export type Registry = { readonly [K in OpName]: Entries[K] extends OpDef<infer _P> & { readonly name: string } ? Entries[K] : never };

/**
 * Every op's definition, by name.
 *
 * @example
 * import { registry } from "typegrad/laws"
 * registry.matmul.name // "matmul"
 * Object.keys(registry).includes("softmax") // true
 * @category instances
 */
export const registry: Registry = entries;

/** An op definition with its parameter type erased (a sampled case's params go back to its own `call`). @category model */
export interface AnyOpDef {
  readonly name: string;
  readonly kind: "primitive" | "composite";
  readonly doc: string;
  readonly shape: ShapeTwin<unknown>;
  readonly forward: Forward;
  readonly pullback: Pullback;
  readonly spec: Spec<unknown>;
}

/**
 * The registry as a list, for runners that treat every op alike.
 *
 * @example
 * import { registeredOps } from "typegrad/laws"
 * registeredOps.length >= 40 // true
 * @category instances
 */
export const registeredOps: readonly AnyOpDef[] = Object.values(registry).map((d) => d as unknown as AnyOpDef);
