/**
 * The WGSL of the elementwise kernels: one expression per kernel of the op registry, typed over
 * `UnaryKernel` and `BinaryKernel`, so a new elementwise op does not compile until its GPU
 * expression is written here. Expressions read `v` (unary) or `a`, `b` (binary), all `f32`, and
 * may call the helper functions (`helpersFor` picks those an expression needs). They follow the scalar functions of the op modules
 * (the reference backend's kernels), written to stay finite where the naive formula overflows.
 *
 * @module
 */
import type { BinaryKernel, UnaryKernel } from "../kernels.generated.js";

/** Helper functions, by name; a shader gets those its expressions call (see {@link helpersFor}). */
const HELPERS: ReadonlyArray<readonly [string, string]> = [
  [
    "nan_f32",
    `// runtime values: a constant NaN or infinity is a shader-creation error
fn nan_f32() -> f32 { var u = 0x7fc00000u; return bitcast<f32>(u); }`,
  ],
  ["inf_f32", `fn inf_f32() -> f32 { var u = 0x7f800000u; return bitcast<f32>(u); }`],
  [
    "log1p_f32",
    `fn log1p_f32(x: f32) -> f32 {
  let u = 1.0 + x;
  if (u == 1.0) { return x; }
  if (x > 1e4) { return log(u); }
  return log(u) * x / (u - 1.0);
}`,
  ],
  [
    "expm1_f32",
    `fn expm1_f32(x: f32) -> f32 {
  if (abs(x) < 1e-5) { return x + 0.5 * x * x; }
  if (x > 80.0 || x < -20.0) { return exp(x) - 1.0; }
  let u = exp(x);
  if (u == 1.0) { return x; }
  let um1 = u - 1.0;
  return um1 * x / log(u);
}`,
  ],
  [
    "tanh_f32",
    `fn tanh_f32(x: f32) -> f32 {
  let e = exp(-2.0 * abs(x));
  let t = (1.0 - e) / (1.0 + e);
  if (abs(x) < 1e-3) { return x - x * x * x / 3.0; }
  return select(-t, t, x >= 0.0);
}`,
  ],
  [
    "sigmoid_f32",
    `fn sigmoid_f32(x: f32) -> f32 {
  if (x >= 0.0) { return 1.0 / (1.0 + exp(-x)); }
  let e = exp(x);
  return e / (1.0 + e);
}`,
  ],
  ["softplus_f32", `fn softplus_f32(x: f32) -> f32 { return max(x, 0.0) + log1p_f32(exp(-abs(x))); }`],
  [
    "erfc_pos",
    `// erfc for z >= 0 (W. J. Cody style rational fit of Numerical Recipes' erfcc: relative error < 1.2e-7)
fn erfc_pos(z: f32) -> f32 {
  let t = 1.0 / (1.0 + 0.5 * z);
  let p = -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  return t * exp(p);
}`,
  ],
  [
    "erf_f32",
    `fn erf_f32(x: f32) -> f32 {
  let a = abs(x);
  if (a < 0.5) {
    let x2 = x * x;
    return x * 1.1283791670955126 * (1.0 + x2 * (-1.0 / 3.0 + x2 * (0.1 + x2 * (-1.0 / 42.0 + x2 * (1.0 / 216.0 - x2 / 1320.0)))));
  }
  let e = 1.0 - erfc_pos(a);
  return select(-e, e, x >= 0.0);
}`,
  ],
  [
    "erfc_f32",
    `fn erfc_f32(x: f32) -> f32 {
  if (x >= 0.5) { return erfc_pos(x); }
  if (x <= -0.5) { return 2.0 - erfc_pos(-x); }
  return 1.0 - erf_f32(x);
}`,
  ],
  [
    "pow_f32",
    `fn pow_f32(a: f32, b: f32) -> f32 {
  if (b == 0.0) { return 1.0; }
  if (a > 0.0) { return exp2(b * log2(a)); }
  if (a == 0.0) { return select(inf_f32(), 0.0, b > 0.0); }
  if (floor(b) != b) { return nan_f32(); }
  let r = exp2(b * log2(-a));
  return select(r, -r, floor(b * 0.5) * 2.0 != b);
}`,
  ],
];

/**
 * The helper functions `code` calls, directly or through other helpers, in definition order.
 * Shaders carry only these: SwiftShader (the software adapter of the tests) has been seen to crash
 * compiling long shaders on a loaded machine, and shorter shaders compile faster everywhere.
 */
export const helpersFor = (code: string): string => {
  const need = new Set<string>();
  const visit = (text: string): void => {
    for (const [name, body] of HELPERS) {
      if (!need.has(name) && new RegExp(`\\b${name}\\(`).test(text)) {
        need.add(name);
        visit(body.slice(body.indexOf("{")));
      }
    }
  };
  visit(code);
  return HELPERS.filter(([name]) => need.has(name))
    .map(([, body]) => body)
    .join("\n");
};

/** The WGSL expression of each unary kernel, over `v: f32`. */
export const UNARY_WGSL: Readonly<Record<UnaryKernel, string>> = {
  abs: "abs(v)",
  erf: "erf_f32(v)",
  exp: "exp(v)",
  expm1: "expm1_f32(v)",
  gelu: "0.5 * v * erfc_f32(-v * 0.7071067811865476)",
  geluTanh: "v / (1.0 + exp(-2.0 * 0.7978845608028654 * (v + 0.044715 * v * v * v)))",
  hardSigmoid: "min(max(v / 6.0 + 0.5, 0.0), 1.0)",
  log: "log(v)",
  log1p: "log1p_f32(v)",
  logSigmoid: "min(v, 0.0) - log1p_f32(exp(-abs(v)))",
  mish: "v * tanh_f32(softplus_f32(v))",
  neg: "-v",
  relu: "max(v, 0.0)",
  sigmoid: "sigmoid_f32(v)",
  sign: "sign(v)",
  silu: "v / (1.0 + exp(-v))",
  softplus: "softplus_f32(v)",
  sqrt: "sqrt(v)",
  tanh: "tanh_f32(v)",
};

/** The WGSL expression of each binary kernel, over `a: f32, b: f32` (comparisons give 1 or 0). */
export const BINARY_WGSL: Readonly<Record<BinaryKernel, string>> = {
  add: "a + b",
  div: "a / b",
  eq: "select(0.0, 1.0, a == b)",
  ge: "select(0.0, 1.0, a >= b)",
  gt: "select(0.0, 1.0, a > b)",
  le: "select(0.0, 1.0, a <= b)",
  lt: "select(0.0, 1.0, a < b)",
  maximum: "select(b, a, a >= b)",
  minimum: "select(b, a, a <= b)",
  mul: "a * b",
  ne: "select(0.0, 1.0, a != b)",
  pow: "pow_f32(a, b)",
  reluGrad: "select(0.0, a, b > 0.0)",
  sub: "a - b",
};
