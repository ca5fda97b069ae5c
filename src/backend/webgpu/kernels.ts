/**
 * The WGSL compute shaders of the WebGPU backend, as source generators. Each takes the few
 * compile-time choices a kernel has (op, transposes, tile sizes) and returns a complete shader;
 * run-time sizes travel in a small `array<u32>` parameter buffer (binding 0).
 *
 * Elementwise shaders index the output by `gid.x + gid.y · (65535 · WG)` so that more than 65535
 * workgroups fit in a dispatch (see `grid` in index.ts).
 *
 * @module
 */
import type { BinaryKernel, UnaryKernel } from "../kernels.generated.js";
import { BINARY_WGSL, helpersFor, UNARY_WGSL } from "./wgsl.js";

/** Threads per workgroup of the elementwise and copy shaders. */
export const WG = 256;
/** Workgroups per grid row (the WebGPU minimum of maxComputeWorkgroupsPerDimension). */
export const ROW = 65535;

const index = `let i = gid.x + gid.y * ${ROW * WG}u;`;

/** A kernel's bindings: its parameter words `p`, the float inputs `inputs` in order, then `out`. */
const bindings = (inputs: readonly string[]): string =>
  [
    "@group(0) @binding(0) var<storage, read> p: array<u32>;",
    ...inputs.map((x, k) => `@group(0) @binding(${k + 1}) var<storage, read> ${x}: array<f32>;`),
    `@group(0) @binding(${inputs.length + 1}) var<storage, read_write> out: array<f32>;`,
  ].join("\n");

/**
 * The broadcast walk of the elementwise kernels: output index `i` over `dims` (params from
 * `p[2]`, rank `r = p[1]`) to one offset per name, each with its own stride list after `dims`.
 */
const stridedOffsets = (names: readonly string[]): string => `let r = p[1];
  var rest = i;
${names.map((o) => `  var ${o} = 0u;`).join("\n")}
  for (var k = i32(r) - 1; k >= 0; k--) {
    let d = p[2u + u32(k)];
    let c = rest % d;
    rest = rest / d;
${names.map((o, j) => `    ${o} += c * p[2u + ${j === 0 ? "" : `${j + 1}u * `}r + u32(k)];`).join("\n")}
  }`;

/** The entry of the elementwise kernels: one invocation per output element `i` (grid rows of {@link ROW} workgroups). */
const elementwiseMain = `@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  ${index}`;

/** `out[i] = f(x[i])`. Params: [n]. */
export const unaryShader = (op: UnaryKernel): string => `${helpersFor(UNARY_WGSL[op])}
${bindings(["x"])}
${elementwiseMain}
  if (i >= p[0]) { return; }
  let v = x[i];
  out[i] = ${UNARY_WGSL[op]};
}`;

/**
 * `out[i] = then(op(a[ia], b[ib]))` with broadcast offsets. Params: [n, rank, dims…, aStrides…,
 * bStrides…]; with `plain`, both inputs are read at `i` or (a single element) at 0: [n, aOne, bOne].
 */
export const binaryShader = (op: BinaryKernel, then: UnaryKernel | undefined, plain: boolean): string => `${helpersFor(`${BINARY_WGSL[op]} ${then === undefined ? "" : UNARY_WGSL[then]}`)}
${bindings(["xa", "xb"])}
${elementwiseMain}
  if (i >= p[0]) { return; }
  ${plain ? "let ia = select(i, 0u, p[1] == 1u);\n  let ib = select(i, 0u, p[2] == 1u);" : stridedOffsets(["ia", "ib"])}
  let a = xa[ia];
  let b = xb[ib];
  let v = ${BINARY_WGSL[op]};
  out[i] = ${then === undefined ? "v" : UNARY_WGSL[then]};
}`;

/** `out[i] = c[ic] != 0 ? a[ia] : b[ib]`. Params: [n, rank, dims…, cStrides…, aStrides…, bStrides…]. */
export const whereShader = (): string => `
${bindings(["xc", "xa", "xb"])}
${elementwiseMain}
  if (i >= p[0]) { return; }
  ${stridedOffsets(["ic", "ia", "ib"])}
  out[i] = select(xb[ib], xa[ia], xc[ic] != 0.0);
}`;

/** `out[i] = value` (params: [n, bits of value]). */
export const fillShader = (): string => `
${bindings([])}
${elementwiseMain}
  if (i >= p[0]) { return; }
  out[i] = bitcast<f32>(p[1]);
}`;

/**
 * The gradient-descent update `out[i] = w[i] − g[i]·lr` (`Backend.sgdUpdate`), rounded as the two
 * kernels it replaces: the product is rounded to f32 before the difference. A shader compiler may
 * contract `w − g·lr` into one fused multiply-add (SPIR-V allows it without `NoContraction`, which
 * WGSL cannot ask for), so the product passes through an integer OR with the parameter word
 * `p[2]` (always 0): a value the compiler cannot see through. Params: [n, bits of lr, 0].
 */
export const sgdShader = (): string => `
${bindings(["w", "g"])}
${elementwiseMain}
  if (i >= p[0]) { return; }
  let prod = bitcast<f32>(bitcast<u32>(g[i] * bitcast<f32>(p[1])) | p[2]);
  out[i] = w[i] - prod;
}`;

/**
 * The binary log-loss's pullback `out[i] = (σ(z[i]) − y[i]) · (g / m)` (`Backend.logLossGrad`), σ
 * as the `sigmoid` kernel computes it (stably). Params: [n, bits of m].
 */
export const logLossGradShader = (): string => `${helpersFor(UNARY_WGSL.sigmoid)}
${bindings(["z", "y", "g"])}
${elementwiseMain}
  if (i >= p[0]) { return; }
  let v = z[i];
  out[i] = (${UNARY_WGSL.sigmoid} - y[i]) * (g[0] / bitcast<f32>(p[1]));
}`;

/**
 * A strided copy: for each index of `dims` (row-major), `out[outOff + Σ c_k·outStride_k] =
 * x[inOff + Σ c_k·inStride_k]`. Broadcast, permute, slice, pad and concat are all this.
 * Params: [n, rank, inOff, outOff, dims…, inStrides…, outStrides…].
 */
export const copyShader = (): string => `
${bindings(["x"])}
${elementwiseMain}
  if (i >= p[0]) { return; }
  let r = p[1];
  var rest = i;
  var src = p[2];
  var dst = p[3];
  for (var k = i32(r) - 1; k >= 0; k--) {
    let d = p[4u + u32(k)];
    let c = rest % d;
    rest = rest / d;
    src += c * p[4u + r + u32(k)];
    dst += c * p[4u + 2u * r + u32(k)];
  }
  out[dst] = x[src];
}`;

/** Threads per row in the row-wise reductions. */
export const ROW_WG = 64;

/** Reduced axes of at most this length are walked by one thread each (`columnShader`); longer ones by a workgroup. */
export const SHORT_AXIS = 16;

/** Threads per workgroup of the cooperative column reductions (`columnsShader`). */
export const COLS_WG = 256;

/**
 * Reductions along the middle axis of `[outer, n, inner]`: sum, max, argmax, softmax,
 * log-softmax, in three forms. A short axis (n ≤ {@link SHORT_AXIS}): one thread walks each of
 * the `outer · inner` lines (`columnShader`). A long one: a workgroup cooperates on each line
 * (inner == 1, `rowShader`: {@link ROW_WG} threads per row) or on `C` neighbouring lines at once
 * (inner > 1, `columnsShader`: `C` lines × `COLS_WG / C` lanes, reads coalesced along inner), each
 * thread striding through its line, then a tree reduction in workgroup memory. Params: [outer, n, inner].
 * Workgroups are laid out on a grid: workgroup index `wid.x + wid.y · 65535`.
 */
export type RowOp = "sum" | "max" | "argmax" | "softmax" | "logSoftmax";

/**
 * The line kernels: the {@link RowOp}s, and softmax cross-entropy's pullback
 * (`Backend.softmaxCrossEntropyGrad`): from the log-softmax `x` and the targets `y` of one shape and
 * the scalar cotangent `g`, `out = (e^x · Σ_line y − y) · (g / m)` along each line (a reduction of
 * `y`, then a pass writing the line). Its params: [outer, n, inner, bits of m].
 */
export type LineOp = RowOp | "crossEntropyGrad";

/** The inputs a line kernel binds (before `out`). */
const lineInputs = (op: LineOp): readonly string[] => (op === "crossEntropyGrad" ? ["x", "y", "g"] : ["x"]);

/** Softmax cross-entropy's pullback at element `e`, the line's target sum in `s`. */
const crossEntropyAt = (e: string, s: string): string => `out[${e}] = (exp(x[${e}]) * ${s} - y[${e}]) * (g[0] / bitcast<f32>(p[3]));`;

/**
 * The tree reduction over the `lanes` of each of `lines` lines in workgroup memory `red`
 * (`red[lane · lines + line]`, thread `t` = lane · lines + line), with `idx` alongside for argmax
 * (ties to the lower index). Every thread runs it (barriers need uniform control flow).
 */
const treeReduce = (lanes: number, lines: number, combine: ((a: string, b: string) => string) | "argmax"): string => `
  workgroupBarrier();
  for (var s = ${lanes / 2}u; s > 0u; s = s >> 1u) {
    if (t < s * ${lines}u) {
      ${
        combine === "argmax"
          ? `let b = red[t + s * ${lines}u];
      let bi = idx[t + s * ${lines}u];
      if (b > red[t] || (b == red[t] && bi < idx[t])) { red[t] = b; idx[t] = bi; }`
          : `red[t] = ${combine("red[t]", `red[t + s * ${lines}u]`)};`
      }
    }
    workgroupBarrier();
  }`;

/**
 * The cooperative forms (a long axis): workgroup `g` takes the `C` neighbouring lines `g·C …
 * g·C + C − 1` (line = o · inner + j) with `L` lanes each, thread `t` the line `t % C` and the
 * lane `t / C`, which strides through the line by `L` (elements `at`, over `base` and `k`); then a
 * tree reduction over the lanes in workgroup memory. A row (inner == 1) is one line (`C = 1`)
 * whose lanes read side by side; for inner > 1, neighbouring threads read neighbouring `j`.
 */
const cooperativeShader = (op: LineOp, C: number, L: number, at: string): string => {
  const T = C * L;
  const body =
    op === "crossEntropyGrad"
      ? `var acc = 0.0;
  if (live) { for (var k = lane; k < n; k += ${L}u) { acc += y[${at}]; } }
  red[t] = acc;${treeReduce(L, C, (a, b) => `${a} + ${b}`)}
  let s = red[c];
  if (live) { for (var k = lane; k < n; k += ${L}u) { let e = ${at}; ${crossEntropyAt("e", "s")} } }`
      : op === "sum"
        ? `var acc = 0.0;
  if (live) { for (var k = lane; k < n; k += ${L}u) { acc += x[${at}]; } }
  red[t] = acc;${treeReduce(L, C, (a, b) => `${a} + ${b}`)}
  if (live && lane == 0u) { out[line] = red[c]; }`
        : op === "max"
          ? `var acc = x[select(0u, base, live)];
  if (live) { for (var k = lane; k < n; k += ${L}u) { acc = max(acc, x[${at}]); } }
  red[t] = acc;${treeReduce(L, C, (a, b) => `max(${a}, ${b})`)}
  if (live && lane == 0u) { out[line] = red[c]; }`
          : op === "argmax"
            ? `var best = x[select(0u, base, live)];
  var bestAt = 0u;
  if (live) { for (var k = lane; k < n; k += ${L}u) { let v = x[${at}]; if (v > best) { best = v; bestAt = k; } } }
  red[t] = best;
  idx[t] = bestAt;${treeReduce(L, C, "argmax")}
  if (live && lane == 0u) { out[line] = f32(idx[c]); }`
            : `var m = x[select(0u, base, live)];
  if (live) { for (var k = lane; k < n; k += ${L}u) { m = max(m, x[${at}]); } }
  red[t] = m;${treeReduce(L, C, (a, b) => `max(${a}, ${b})`)}
  let mx = red[c];
  workgroupBarrier();
  var s0 = 0.0;
  if (live) { for (var k = lane; k < n; k += ${L}u) { s0 += exp(x[${at}] - mx); } }
  red[t] = s0;${treeReduce(L, C, (a, b) => `${a} + ${b}`)}
  let total = red[c];
  let lse = mx + log(total);
  if (live) { for (var k = lane; k < n; k += ${L}u) { let e = ${at}; ${op === "logSoftmax" ? "out[e] = x[e] - lse;" : "out[e] = exp(x[e] - mx) / total;"} } }`;
  return `
${bindings(lineInputs(op))}
var<workgroup> red: array<f32, ${T}>;
${op === "argmax" ? `var<workgroup> idx: array<u32, ${T}>;` : ""}
@compute @workgroup_size(${T})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let n = p[1];
  let inner = p[2];
  let c = t % ${C}u;
  let lane = t / ${C}u;
  let line = (wid.x + wid.y * ${ROW}u) * ${C}u + c;
  let live = line < p[0] * inner;
  let base = (line / inner) * n * inner + line % inner;
  ${body}
}`;
};

/** The cooperative form for inner > 1: `C` lines × `COLS_WG / C` lanes per workgroup, reads coalesced along inner. */
export const columnsShader = (op: LineOp, C: number): string => cooperativeShader(op, C, COLS_WG / C, "base + k * inner");

/** The one-workgroup-per-row form (inner == 1): {@link ROW_WG} lanes per row. */
export const rowShader = (op: LineOp): string => cooperativeShader(op, 1, ROW_WG, "base + k");

/** The one-thread-per-line form (any inner, a short axis); thread index as in the elementwise shaders. */
export const columnShader = (op: LineOp): string => {
  return `
${bindings(lineInputs(op))}
${elementwiseMain}
  let outer = p[0];
  let n = p[1];
  let inner = p[2];
  if (i >= outer * inner) { return; }
  let o = i / inner;
  let j = i % inner;
  let base = o * n * inner + j;
  ${
    op === "crossEntropyGrad"
      ? `var s = 0.0;
  for (var k = 0u; k < n; k++) { s += y[base + k * inner]; }
  for (var k = 0u; k < n; k++) { let at = base + k * inner; ${crossEntropyAt("at", "s")} }`
      : op === "sum"
        ? "var acc = 0.0;\n  for (var k = 0u; k < n; k++) { acc += x[base + k * inner]; }\n  out[i] = acc;"
        : op === "max"
          ? "var acc = x[base];\n  for (var k = 1u; k < n; k++) { acc = max(acc, x[base + k * inner]); }\n  out[i] = acc;"
          : op === "argmax"
            ? "var best = x[base];\n  var at = 0u;\n  for (var k = 1u; k < n; k++) { let v = x[base + k * inner]; if (v > best) { best = v; at = k; } }\n  out[i] = f32(at);"
            : `var m = x[base];
  for (var k = 1u; k < n; k++) { m = max(m, x[base + k * inner]); }
  var s = 0.0;
  for (var k = 0u; k < n; k++) { s += exp(x[base + k * inner] - m); }
  let c = m + log(s);
  for (var k = 0u; k < n; k++) { let at = base + k * inner; ${op === "logSoftmax" ? "out[at] = x[at] - c;" : "out[at] = exp(x[at] - m) / s;"} }`
  }
}`;
};

/**
 * `Backend.pack` for `K` storages `x0 … x{K−1}` (one dispatch of `K` workgroups, workgroup `q`
 * the storage `xq`): its `n` elements copied to `out[dst …]`, or, probed, 0 written to `out[dst]`
 * when every element is finite and NaN when one is not. Finiteness is read from the bits (an
 * exponent of all ones), not from arithmetic a shader compiler may assume finite; the lanes'
 * counts of non-finite elements meet in a tree. Params: [n, probed (1 or 0), dst] per storage.
 */
export const packShader = (K: number): string => {
  const xs = Array.from({ length: K }, (_, q) => `x${q}`);
  return `
${bindings(xs)}
var<workgroup> red: array<f32, ${ROW_WG}>;
fn element(q: u32, k: u32) -> f32 {
  switch q {
${xs
  .slice(0, -1)
  .map((x, q) => `    case ${q}u: { return ${x}[k]; }`)
  .join("\n")}
    default: { return ${xs[K - 1]}[k]; }
  }
}
@compute @workgroup_size(${ROW_WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let q = wid.x;
  let n = p[3u * q];
  let probed = p[3u * q + 1u] == 1u;
  let dst = p[3u * q + 2u];
  var bad = 0.0;
  if (!probed) {
    for (var k = t; k < n; k += ${ROW_WG}u) { out[dst + k] = element(q, k); }
  } else {
    for (var k = t; k < n; k += ${ROW_WG}u) {
      if ((bitcast<u32>(element(q, k)) & 0x7f800000u) == 0x7f800000u) { bad = 1.0; }
    }
  }
  red[t] = bad;${treeReduce(ROW_WG, 1, (a, b) => `${a} + ${b}`)}
  // a NaN from its bits, made at run time (WGSL refuses a constant NaN)
  let nan = bitcast<f32>(0x7fc00000u | (n & 0u));
  if (probed && t == 0u) { out[dst] = select(0.0, nan, red[0] > 0.0); }
}`;
};

/** Tile sizes of the WebGPU matrix product (see `configureWebGPU`). @category model */
export interface MatmulTile {
  /** Output rows per workgroup. */
  readonly bm: number;
  /** Output columns per workgroup. */
  readonly bn: number;
  /** Depth of one shared-memory step. */
  readonly bk: number;
  /** Output rows per thread (register block). */
  readonly tm: number;
  /** Output columns per thread (register block). */
  readonly tn: number;
}

/**
 * The compile-time choices of a matrix product beyond its tile: which operands are read as
 * `vec4<f32>` (their contiguous dim and offsets are multiples of 4, and so is the tile along
 * it), and an epilogue that also writes `D = act(C + bias)` from the registers (a dense
 * layer's bias add and activation fused into the product). @internal
 */
export interface MatmulVariant {
  readonly vecA: boolean;
  readonly vecB: boolean;
  /** `"bias"`: add `bias[biasOff(batch) + i·si + j·sj]` (strides: params 4 and 5) and apply `act`, writing D too. */
  readonly epilogue: "none" | "bias";
  readonly act?: UnaryKernel | undefined;
}

/** Whether operand tiles can be loaded as vec4 along the operand's contiguous dim (see {@link MatmulVariant}). */
export const vec4Fits = (tile: MatmulTile, transA: boolean, transB: boolean): { readonly a: boolean; readonly b: boolean } => ({
  a: (transA ? tile.bm : tile.bk) % 4 === 0,
  b: (transB ? tile.bk : tile.bn) % 4 === 0,
});

/**
 * One staged `bk`-deep step of a register-blocked product, shared by the matrix product and the
 * implicit-GEMM convolution: the `bk × bm` tile `As` and the `bk × bn` tile `Bs` in workgroup
 * memory into each thread's `tm × tn` accumulators `acc`.
 */
const tileProduct = ({ bm, bn, bk, tm, tn }: MatmulTile): string => `for (var kk = 0u; kk < ${bk}u; kk++) {
      for (var r = 0u; r < ${tm}u; r++) { ra[r] = As[kk * ${bm}u + lid.y * ${tm}u + r]; }
      for (var c = 0u; c < ${tn}u; c++) { rb[c] = Bs[kk * ${bn}u + lid.x * ${tn}u + c]; }
      for (var r = 0u; r < ${tm}u; r++) {
        for (var c = 0u; c < ${tn}u; c++) { acc[r][c] = fma(ra[r], rb[c], acc[r][c]); }
      }
    }`;

/**
 * A bias epilogue: each output element `at` also gets `D[at] = act(z + bias[biasAt])` (see
 * {@link MatmulVariant} and {@link ConvVariant}); `bias` and `D` are bound after the kernel's own
 * bindings, from `binding` on.
 */
interface Epilogue {
  readonly biasAt: string;
  readonly act: UnaryKernel | undefined;
}

/** The helper functions an epilogue's activation calls (they open the shader). */
const epilogueHelpers = (epi: Epilogue | undefined): string => (epi !== undefined && epi.act !== undefined ? helpersFor(UNARY_WGSL[epi.act]) : "");

/** The epilogue's two bindings, `bias` and `D`, from `binding` on. */
const epilogueBindings = (epi: Epilogue | undefined, binding: number): string =>
  epi === undefined ? "" : `@group(0) @binding(${binding}) var<storage, read> bias: array<f32>;\n@group(0) @binding(${binding + 1}) var<storage, read_write> D: array<f32>;`;

/**
 * The output loop of a register-blocked product, shared by the matrix product and the
 * implicit-GEMM convolution: each thread's `tm × tn` accumulators `acc` at rows `i` (from
 * `row0`, below `M`) and columns `j` (from `col0`, below `N`) to `out[at]`, and with an epilogue
 * `D[at] = act(acc + bias[biasAt])` too (`at`, `biasAt`: index expressions over `i`, `j`).
 */
const writeTile = ({ tm, tn }: MatmulTile, out: string, at: string, epi: Epilogue | undefined): string => {
  const write =
    epi === undefined
      ? `${out}[${at}] = acc[r][c];`
      : `let z = acc[r][c];
        ${out}[${at}] = z;
        let v = z + bias[${epi.biasAt}];
        D[${at}] = ${epi.act === undefined ? "v" : UNARY_WGSL[epi.act]};`;
  return `for (var r = 0u; r < ${tm}u; r++) {
    let i = row0 + lid.y * ${tm}u + r;
    if (i >= M) { break; }
    for (var c = 0u; c < ${tn}u; c++) {
      let j = col0 + lid.x * ${tn}u + c;
      if (j < N) {
        ${write}
      }
    }
  }`;
};

/**
 * Batched `C = op(A) · op(B)`, tiled: each workgroup computes a `bm × bn` tile of C, each thread a
 * `tm × tn` register block of it, stepping through K by `bk` with both operand tiles staged in
 * workgroup memory; the inner loop keeps `tm + tn` operands in registers for `tm · tn` fused
 * multiply-adds. An operand whose contiguous dim is a multiple of 4 is loaded 4 elements at a
 * time (`vec4<f32>`, see {@link MatmulVariant}); out-of-range tile elements are staged as zeros,
 * so any M, N, K work. With the bias epilogue the thread also writes `D = act(C + bias)`.
 * Params: [M, N, K, batches, si, sj, aOff(t)…, bOff(t)…, biasOff(t)…] (element offsets of each
 * batch's matrices; `si`, `sj` the bias strides; the bias offsets only with the epilogue).
 */
export const matmulShader = (transA: boolean, transB: boolean, tile: MatmulTile, variant: MatmulVariant = { vecA: false, vecB: false, epilogue: "none" }): string => {
  const { bm, bn, bk, tm, tn } = tile;
  const { vecA, vecB, epilogue, act } = variant;
  const tx = bn / tn;
  const ty = bm / tm;
  const threads = tx * ty;
  // A(i, k): stored M×K (row-major) or K×M (transA); B(k, j): K×N or N×K (transB)
  const aAt = transA ? "(k * M + i)" : "(i * K + k)";
  const bAt = transB ? "(j * K + k)" : "(k * N + j)";
  // As[k][m], Bs[k][n]: k-major so a thread's register loads read consecutive words. The
  // cooperative load walks the operand's contiguous dim fastest (coalescing).
  const scalarLoad = (name: "A" | "B"): string => {
    const isA = name === "A";
    const n = isA ? bm * bk : bn * bk;
    const at = isA ? aAt : bAt;
    const split = isA
      ? transA
        ? `let kk = e / ${bm}u; let ii = e % ${bm}u;`
        : `let ii = e / ${bk}u; let kk = e % ${bk}u;`
      : transB
        ? `let jj = e / ${bk}u; let kk = e % ${bk}u;`
        : `let kk = e / ${bn}u; let jj = e % ${bn}u;`;
    const [idx, lim, base, tileDim] = isA ? ["ii", "M", "aBase", bm] : ["jj", "N", "bBase", bn];
    const v = isA ? "i" : "j";
    const origin = isA ? "row0" : "col0";
    return `for (var l = 0u; l < ${Math.ceil(n / threads)}u; l++) {
      let e = tid + l * ${threads}u;
      if (e < ${n}u) {
        ${split}
        let ${v} = ${origin} + ${idx};
        let k = k0 + kk;
        ${name}s[kk * ${tileDim}u + ${idx}] = select(0.0, ${name}[${base} + ${at}], ${v} < ${lim} && k < K);
      }
    }`;
  };
  // vec4: four consecutive elements along the contiguous dim (k for A, j for B, or i / k when transposed)
  const vecLoad = (name: "A" | "B"): string => {
    const isA = name === "A";
    const n = (isA ? bm * bk : bn * bk) / 4;
    const t = isA ? transA : transB;
    const tileDim = isA ? bm : bn;
    const [idx, v, lim, base, origin] = isA ? ["ii", "i", "M", "aBase", "row0"] : ["jj", "j", "N", "bBase", "col0"];
    // contiguous along k (A plain, B transposed) or along the row/column index (A transposed, B plain)
    const alongK = isA ? !t : t;
    const split = alongK ? `let ${idx} = e / ${bk / 4}u; let kk = (e % ${bk / 4}u) * 4u;` : `let kk = e / ${tileDim / 4}u; let ${idx} = (e % ${tileDim / 4}u) * 4u;`;
    const at = isA ? aAt : bAt;
    const stores = alongK
      ? [0, 1, 2, 3].map((c) => `${name}s[(kk + ${c}u) * ${tileDim}u + ${idx}] = q[${c}];`).join(" ")
      : [0, 1, 2, 3].map((c) => `${name}s[kk * ${tileDim}u + ${idx} + ${c}u] = q[${c}];`).join(" ");
    return `for (var l = 0u; l < ${Math.ceil(n / threads)}u; l++) {
      let e = tid + l * ${threads}u;
      if (e < ${n}u) {
        ${split}
        let ${v} = ${origin} + ${idx};
        let k = k0 + kk;
        let q = select(vec4<f32>(0.0), ${name}[(${base} + ${at}) / 4u], ${v} < ${lim} && k < K);
        ${stores}
      }
    }`;
  };
  const fused = epilogue === "bias";
  const epi = fused ? { biasAt: "biasBase + i * si + j * sj", act } : undefined;
  return `${epilogueHelpers(epi)}
@group(0) @binding(0) var<storage, read> p: array<u32>;
@group(0) @binding(1) var<storage, read> A: array<${vecA ? "vec4<f32>" : "f32"}>;
@group(0) @binding(2) var<storage, read> B: array<${vecB ? "vec4<f32>" : "f32"}>;
@group(0) @binding(3) var<storage, read_write> C: array<f32>;
${epilogueBindings(epi, 4)}
var<workgroup> As: array<f32, ${bk * bm}>;
var<workgroup> Bs: array<f32, ${bk * bn}>;
@compute @workgroup_size(${tx}, ${ty})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let M = p[0];
  let N = p[1];
  let K = p[2];
  let nb = p[3];
  let si = p[4];
  let sj = p[5];
  let batch = wid.z;
  let aBase = p[6u + batch];
  let bBase = p[6u + nb + batch];
  let cBase = batch * M * N;${fused ? "\n  let biasBase = p[6u + 2u * nb + batch];" : ""}
  let row0 = wid.y * ${bm}u;
  let col0 = wid.x * ${bn}u;
  let tid = lid.y * ${tx}u + lid.x;
  var acc: array<array<f32, ${tn}>, ${tm}>;
  var ra: array<f32, ${tm}>;
  var rb: array<f32, ${tn}>;
  for (var k0 = 0u; k0 < K; k0 += ${bk}u) {
    ${vecA ? vecLoad("A") : scalarLoad("A")}
    ${vecB ? vecLoad("B") : scalarLoad("B")}
    workgroupBarrier();
    ${tileProduct(tile)}
    workgroupBarrier();
  }
  ${writeTile(tile, "C", "cBase + i * N + j", epi)}
}`;
};

/** Params of the patch kernels: [total, m, H, W, C, kh, kw, sh, sw, dh, dw, padTop, padLeft, outH, outW, bits of padValue]. */
const patchHeader = `
${bindings(["x"])}
${elementwiseMain}
  if (i >= p[0]) { return; }
  let H = i32(p[2]); let W = i32(p[3]); let C = p[4];
  let kh = p[5]; let kw = p[6]; let sh = i32(p[7]); let sw = i32(p[8]); let dh = i32(p[9]); let dw = i32(p[10]);
  let padTop = i32(p[11]); let padLeft = i32(p[12]); let outH = p[13]; let outW = p[14];`;

/** im2col: one thread per element of `[m, outH, outW, kh, kw, C]`, reading its image cell or the pad value. */
export const im2colShader = (): string => `${patchHeader}
  var r = i;
  let c = r % C; r = r / C;
  let b = i32(r % kw); r = r / kw;
  let a = i32(r % kh); r = r / kh;
  let j = i32(r % outW); r = r / outW;
  let ii = i32(r % outH);
  let n = r / outH;
  let y = ii * sh + a * dh - padTop;
  let xc = j * sw + b * dw - padLeft;
  if (y < 0 || y >= H || xc < 0 || xc >= W) { out[i] = bitcast<f32>(p[15]); return; }
  out[i] = x[((n * u32(H) + u32(y)) * u32(W) + u32(xc)) * C + c];
}`;

/** col2im as a gather: one thread per image cell `[m, H, W, C]`, summing every window element read from it. */
export const col2imShader = (): string => `${patchHeader}
  var r = i;
  let c = r % C; r = r / C;
  let xc = i32(r % u32(W)); r = r / u32(W);
  let y = i32(r % u32(H));
  let n = r / u32(H);
  var acc = 0.0;
  for (var a = 0; a < i32(kh); a++) {
    let t = y + padTop - a * dh;
    if (t < 0 || t % sh != 0 || t / sh >= i32(outH)) { continue; }
    let ii = u32(t / sh);
    for (var b = 0; b < i32(kw); b++) {
      let u = xc + padLeft - b * dw;
      if (u < 0 || u % sw != 0 || u / sw >= i32(outW)) { continue; }
      let j = u32(u / sw);
      acc += x[((((n * outH + ii) * outW + j) * kh + u32(a)) * kw + u32(b)) * C + c];
    }
  }
  out[i] = acc;
}`;

/**
 * The compile-time choices of the implicit-GEMM convolution beyond its tile: whether the image
 * is read as `vec4<f32>` along its channels (`ci` and the image's channel count multiples of 4,
 * `bk` too) and the kernel along its output channels (`og` and `F` multiples of 4, `bn` too). @internal
 */
export interface ConvVariant {
  readonly vecX: boolean;
  readonly vecW: boolean;
  /** `"bias"`: also write `D = act(Y + bias)`, the bias read at `bias[i·si + f·sj]` for output row `i` and channel `f` (params 19 and 20). */
  readonly epilogue?: "none" | "bias";
  readonly act?: UnaryKernel | undefined;
}

/**
 * The convolution of NHWC images with a `[kh, kw, ci, F]` kernel (`F = groups · og`) as an implicit
 * matrix product, per group `g` (workgroup z): `Y[r, g·og + j] = Σ_k A(r, k) · B(k, j)` with rows
 * `r = (n, oi, oj)` (M = m·outH·outW), depth `k = (a, b, c)` (K = kh·kw·ci, the kernel's row
 * order) and `A(r, k) = x[n, oi·sh + a·dh − padTop, oj·sw + b·dw − padLeft, g·ci + c]` (0 outside
 * the image), `B(k, j) = w[k, g·og + j]`. Tiled like {@link matmulShader} (a `bm × bn` output tile
 * per workgroup, `tm × tn` registers per thread, `bk`-deep steps staged in workgroup memory), but
 * the image windows are gathered into the A tile on the fly: no window buffer. Each thread loads
 * the same `k` column of its rows at every step, so a row's `(n, oi, oj)` is split once, before
 * the loop, and `k` into `(a, b, c)` once per step. Row tiles beyond `foldRows` (65535, the most
 * workgroups a dimension is sure to take) fold into x: workgroup (x, y) takes column tile
 * `x % colTiles` and row tile `y + (x / colTiles) · foldRows`. With the bias epilogue the thread
 * also writes `D = act(Y + bias)` from its registers (a convolution layer's bias add and
 * activation fused into the convolution, as {@link matmulShader} does for dense layers).
 * Params: [M, og, K, H, W, C, F, outH·outW, outW, kw, ci, sh, sw, dh, dw, padTop, padLeft, colTiles, foldRows, si, sj].
 */
export const convShader = (tile: MatmulTile, variant: ConvVariant): string => {
  const { bm, bn, bk, tm, tn } = tile;
  const { vecX, vecW, epilogue = "none", act } = variant;
  const epi = epilogue === "bias" ? { biasAt: "i * si + (fOff + j) * sj", act } : undefined;
  const tx = bn / tn;
  const ty = bm / tm;
  const threads = tx * ty;
  const wa = vecX ? 4 : 1;
  // threads along k in the A load, rows per pass, passes
  const kpt = bk / wa;
  const rowsPer = threads / kpt;
  const LA = Math.ceil(bm / rowsPer);
  const nB = (bn * bk) / (vecW ? 4 : 1);
  const LB = Math.ceil(nB / threads);
  const loadA = vecX
    ? `var q = vec4<f32>(0.0);
        if (ok) { q = X[(rbase[l] + (u32(y) * u32(Wd) + u32(xx)) * C + cOff + c) / 4u]; }
        ${[0, 1, 2, 3].map((e) => `As[(kkA + ${e}u) * ${bm}u + ii] = q[${e}];`).join(" ")}`
    : `var v = 0.0;
        if (ok) { v = X[rbase[l] + (u32(y) * u32(Wd) + u32(xx)) * C + cOff + c]; }
        As[kkA * ${bm}u + ii] = v;`;
  const loadB = vecW
    ? `let kk = e / ${bn / 4}u; let jj = (e % ${bn / 4}u) * 4u;
        let k = k0 + kk; let j = col0 + jj;
        let q = select(vec4<f32>(0.0), Wt[(k * F + fOff + j) / 4u], k < K && j < N);
        ${[0, 1, 2, 3].map((e) => `Bs[kk * ${bn}u + jj + ${e}u] = q[${e}];`).join(" ")}`
    : `let kk = e / ${bn}u; let jj = e % ${bn}u;
        let k = k0 + kk; let j = col0 + jj;
        Bs[kk * ${bn}u + jj] = select(0.0, Wt[k * F + fOff + j], k < K && j < N);`;
  return `${epilogueHelpers(epi)}
@group(0) @binding(0) var<storage, read> p: array<u32>;
@group(0) @binding(1) var<storage, read> X: array<${vecX ? "vec4<f32>" : "f32"}>;
@group(0) @binding(2) var<storage, read> Wt: array<${vecW ? "vec4<f32>" : "f32"}>;
@group(0) @binding(3) var<storage, read_write> Y: array<f32>;
${epilogueBindings(epi, 4)}
var<workgroup> As: array<f32, ${bk * bm}>;
var<workgroup> Bs: array<f32, ${bk * bn}>;
@compute @workgroup_size(${tx}, ${ty})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let M = p[0]; let N = p[1]; let K = p[2];
  let H = i32(p[3]); let Wd = i32(p[4]); let C = p[5]; let F = p[6];
  let hw = p[7]; let outW = p[8]; let kw = p[9]; let ci = p[10];
  let sh = i32(p[11]); let sw = i32(p[12]); let dh = i32(p[13]); let dw = i32(p[14]);
  let padTop = i32(p[15]); let padLeft = i32(p[16]); let colTiles = p[17]; let foldRows = p[18];${epi === undefined ? "" : "\n  let si = p[19]; let sj = p[20];"}
  let cOff = wid.z * ci;
  let fOff = wid.z * N;
  let row0 = (wid.y + (wid.x / colTiles) * foldRows) * ${bm}u;
  let col0 = (wid.x % colTiles) * ${bn}u;
  let tid = lid.y * ${tx}u + lid.x;
  // this thread's A rows: image offset and window origin (a far-negative origin for rows past M)
  let kkA = (tid % ${kpt}u) * ${wa}u;
  var rbase: array<u32, ${LA}>;
  var ry: array<i32, ${LA}>;
  var rx: array<i32, ${LA}>;
  for (var l = 0u; l < ${LA}u; l++) {
    let r = row0 + tid / ${kpt}u + l * ${rowsPer}u;
    ry[l] = -1073741824;
    rx[l] = -1073741824;
    rbase[l] = 0u;
    if (r < M) {
      let n = r / hw;
      let q = r % hw;
      rbase[l] = n * u32(H) * u32(Wd) * C;
      ry[l] = i32(q / outW) * sh - padTop;
      rx[l] = i32(q % outW) * sw - padLeft;
    }
  }
  var acc: array<array<f32, ${tn}>, ${tm}>;
  var ra: array<f32, ${tm}>;
  var rb: array<f32, ${tn}>;
  for (var k0 = 0u; k0 < K; k0 += ${bk}u) {
    {
      let k = k0 + kkA;
      let c = k % ci;
      let ab = k / ci;
      let a = i32(ab / kw);
      let b = i32(ab % kw);
      for (var l = 0u; l < ${LA}u; l++) {
        let ii = tid / ${kpt}u + l * ${rowsPer}u;
        if (ii < ${bm}u) {
          let y = ry[l] + a * dh;
          let xx = rx[l] + b * dw;
          let ok = k < K && y >= 0 && y < H && xx >= 0 && xx < Wd;
          ${loadA}
        }
      }
    }
    for (var l = 0u; l < ${LB}u; l++) {
      let e = tid + l * ${threads}u;
      if (e < ${nB}u) {
        ${loadB}
      }
    }
    workgroupBarrier();
    ${tileProduct(tile)}
    workgroupBarrier();
  }
  ${writeTile(tile, "Y", "i * F + fOff + j", epi)}
}`;
};
