/**
 * The op registry: one line per op. Its type lists every op name, so an op without an entry,
 * or an entry without a complete definition (shape rule, forward, pullback or an explicit
 * "nondiff", law spec with a sampler and a reference), does not compile. The registry-driven
 * tests and the law runners iterate over it: a standard new op needs no new test file.
 *
 * @module
 */
import { absDef } from "./abs.js";
import { addDef } from "./add.js";
import { addActDef } from "./addAct.js";
import { argmaxDef } from "./argmax.js";
import { astypeDef } from "./astype.js";
import { broadcastToDef } from "./broadcastTo.js";
import { clipDef } from "./clip.js";
import { concatDef } from "./concat.js";
import { divDef } from "./div.js";
import { eluDef } from "./elu.js";
import { eqDef } from "./eq.js";
import { expDef } from "./exp.js";
import { expm1Def } from "./expm1.js";
import { flattenDef } from "./flatten.js";
import { geDef } from "./ge.js";
import { gtDef } from "./gt.js";
import { leDef } from "./le.js";
import { leakyReluDef } from "./leakyRelu.js";
import { logDef } from "./log.js";
import { log1pDef } from "./log1p.js";
import { logSoftmaxDef } from "./logSoftmax.js";
import { logSumExpDef } from "./logSumExp.js";
import { ltDef } from "./lt.js";
import { matmulDef } from "./matmul.js";
import { maxDef } from "./max.js";
import { maximumDef } from "./maximum.js";
import { meanDef } from "./mean.js";
import { minimumDef } from "./minimum.js";
import { mulDef } from "./mul.js";
import { neDef } from "./ne.js";
import { negDef } from "./neg.js";
import { padDef } from "./pad.js";
import { permuteDef } from "./permute.js";
import { powDef } from "./pow.js";
import { reluDef } from "./relu.js";
import { reshapeDef } from "./reshape.js";
import { sigmoidDef } from "./sigmoid.js";
import { signDef } from "./sign.js";
import { sliceDef } from "./slice.js";
import { softmaxDef } from "./softmax.js";
import type { OpDef, Spec } from "./spec.js";
import { sqrtDef } from "./sqrt.js";
import { squareDef } from "./square.js";
import { stopGradientDef } from "./stopGradient.js";
import { subDef } from "./sub.js";
import { sumDef } from "./sum.js";
import { tanhDef } from "./tanh.js";
import { transposeDef } from "./transpose.js";
import { whereDef } from "./where.js";

/** Every registered op. @category model */
export type OpName =
  | "abs"
  | "add"
  | "addAct"
  | "argmax"
  | "astype"
  | "broadcastTo"
  | "clip"
  | "concat"
  | "div"
  | "elu"
  | "eq"
  | "exp"
  | "expm1"
  | "flatten"
  | "ge"
  | "gt"
  | "le"
  | "leakyRelu"
  | "log"
  | "log1p"
  | "logSoftmax"
  | "logSumExp"
  | "lt"
  | "matmul"
  | "max"
  | "maximum"
  | "mean"
  | "minimum"
  | "mul"
  | "ne"
  | "neg"
  | "pad"
  | "permute"
  | "pow"
  | "relu"
  | "reshape"
  | "sigmoid"
  | "sign"
  | "slice"
  | "softmax"
  | "sqrt"
  | "square"
  | "stopGradient"
  | "sub"
  | "sum"
  | "tanh"
  | "transpose"
  | "where";

const entries = {
  abs: absDef,
  add: addDef,
  addAct: addActDef,
  argmax: argmaxDef,
  astype: astypeDef,
  broadcastTo: broadcastToDef,
  clip: clipDef,
  concat: concatDef,
  div: divDef,
  elu: eluDef,
  eq: eqDef,
  exp: expDef,
  expm1: expm1Def,
  flatten: flattenDef,
  ge: geDef,
  gt: gtDef,
  le: leDef,
  leakyRelu: leakyReluDef,
  log: logDef,
  log1p: log1pDef,
  logSoftmax: logSoftmaxDef,
  logSumExp: logSumExpDef,
  lt: ltDef,
  matmul: matmulDef,
  max: maxDef,
  maximum: maximumDef,
  mean: meanDef,
  minimum: minimumDef,
  mul: mulDef,
  ne: neDef,
  neg: negDef,
  pad: padDef,
  permute: permuteDef,
  pow: powDef,
  relu: reluDef,
  reshape: reshapeDef,
  sigmoid: sigmoidDef,
  sign: signDef,
  slice: sliceDef,
  softmax: softmaxDef,
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

/** The registry's type: every name present, every entry an `OpDef`. @category model */
export type Registry = { readonly [K in OpName]: K extends keyof Entries ? (Entries[K] extends OpDef<infer _P> ? Entries[K] : never) : never };

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
