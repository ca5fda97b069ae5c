/**
 * The WebGPU backend against the reference backend: every kernel on random small shapes, and a
 * few training steps of the MNIST model. Run in its own process (the Vulkan driver's library path
 * must be set before the process starts; see `bench/swiftshader.ts`), it prints one JSON report line:
 * `{ adapter, cases: [{ name, err, tol }], errors: [...] }`, or `{ skip: reason }` where no adapter
 * can be made. `test/backend/webgpu.test.ts` runs it and checks every case; the same code runs in
 * headless Chromium (`browser.ts`).
 */
import type { Backend, BinaryKernel, Storage, Tensor, TypedArray, UnaryKernel } from "typegrad";
import {
  adam,
  add,
  configureWebGPU,
  conv2dLayer,
  evaluate,
  evaluateAsync,
  examples,
  fitAsync,
  fit as fitSync,
  fromArray,
  gd,
  getBackend,
  itemAsync,
  logLossFromLogits,
  logLossGrad,
  matmul,
  mlp,
  mul,
  predict,
  predictClasses,
  predictClassesAsync,
  predictLabels,
  predictLabelsAsync,
  ready,
  reference,
  rng,
  setBackend,
  shapes,
  softmaxCrossEntropy,
  sum,
  tensor,
  tidy,
  toArray,
  toFlat,
  toFlatAsync,
  trainStep,
  trainStepAsync,
  valueAndGrad,
  wasm,
  webgpu,
  webgpuInfo,
} from "typegrad";
import { webgpuInternals } from "../../../src/backend/webgpu/index.js";
import { BINARY_WGSL, UNARY_WGSL } from "../../../src/backend/webgpu/wgsl.js";
import { conv2dAny } from "../../../src/ops/conv2d.js";
import { storageOf } from "../../../src/tensor/tensor.js";

type Sizes = readonly number[];

export interface Case {
  readonly name: string;
  /** max |gpu - ref| / (1 + |ref|) */
  readonly err: number;
  readonly tol: number;
}

export interface Report {
  readonly adapter?: string;
  readonly cases?: readonly Case[];
  readonly errors?: readonly string[];
  readonly skip?: string;
}

/** A small deterministic generator (so the child and the browser draw the same inputs). */
const lcg = (seed: number) => {
  let s = seed >>> 0 || 1;
  return (lo: number, hi: number): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return lo + ((s >>> 8) / (1 << 24)) * (hi - lo);
  };
};

const size = (s: Sizes): number => s.reduce((a, b) => a * b, 1);

/** The domain each unary kernel is checked on (its op's domain, kept where float32 is accurate). */
const unaryRange = (op: UnaryKernel): [number, number] => {
  switch (op) {
    case "log":
    case "sqrt":
      return [0.01, 20];
    case "log1p":
      return [-0.9, 20];
    case "exp":
    case "expm1":
      return [-20, 20];
    default:
      return [-30, 30];
  }
};

/**
 * Run the checks from the `from`-th on, handing each result to `emit` as it is known (so a
 * driver can resume after a crash of the software driver; see webgpu.test.ts).
 */
export const run = async (from = 0, emit: (index: number, c: Case | string) => void = () => undefined): Promise<Report> => {
  try {
    await ready("webgpu");
  } catch (e) {
    return { skip: e instanceof Error ? e.message : String(e) };
  }
  const gpu = getBackend();
  setBackend(reference);
  const info = webgpuInfo();
  const cases: Case[] = [];
  const errors: string[] = [];
  const rand = lcg(7);
  const data = (n: number, lo = -2, hi = 2): Float32Array => Float32Array.from({ length: n }, () => rand(lo, hi));
  const up = (d: ArrayLike<number>): Storage => gpu.fromArray("float32", d);
  const ref = (d: ArrayLike<number>): Storage => reference.fromArray("float32", d);
  const compare = async (name: string, g: Storage, r: Storage, tol = 1e-5): Promise<void> => {
    try {
      const a = await (gpu.readAsync as (s: Storage) => Promise<TypedArray>)(g);
      const b = reference.read(r);
      if (a.length < b.length) throw new Error(`length ${a.length}, want ${b.length}`);
      let err = 0;
      for (let i = 0; i < b.length; i++) {
        const x = a[i] as number;
        const y = b[i] as number;
        const e = Object.is(x, y) || (Number.isNaN(x) && Number.isNaN(y)) ? 0 : Math.abs(x - y) / (1 + Math.abs(y));
        err = Math.max(err, Number.isNaN(e) ? Infinity : e);
      }
      cases.push({ name, err, tol });
    } catch (e) {
      errors.push(`${name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  const both = (shape: Sizes, lo?: number, hi?: number): [Storage, Storage, Float32Array] => {
    const d = data(size(shape), lo, hi);
    return [up(d), ref(d), d];
  };
  const trace = (globalThis as { process?: { env?: Record<string, string | undefined>; stderr?: { write(s: string): void } } }).process;
  const todo: { name: string; go: () => Promise<void> }[] = [];
  const later = (name: string, go: () => Promise<void>): void => {
    todo.push({ name, go });
  };
  const run2 = (name: string, f: (b: Backend, ...s: Storage[]) => Storage, inputs: readonly [Storage, Storage][] | (() => readonly [Storage, Storage][]), tol?: number) =>
    later(name, () => run2now(name, f, typeof inputs === "function" ? inputs() : inputs, tol));
  const run2now = async (name: string, f: (b: Backend, ...s: Storage[]) => Storage, inputs: readonly [Storage, Storage][], tol?: number) => {
    try {
      await compare(name, f(gpu, ...inputs.map((p) => p[0])), f(reference, ...inputs.map((p) => p[1])), tol);
    } catch (e) {
      errors.push(`${name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  const pair = (shape: Sizes, lo?: number, hi?: number): [Storage, Storage] => {
    const [g, r] = both(shape, lo, hi);
    return [g, r];
  };

  // unary: every kernel of the registry (the WGSL table is typed over the kernel names)
  for (const op of Object.keys(UNARY_WGSL) as UnaryKernel[]) {
    const [lo, hi] = unaryRange(op);
    run2(
      `unary ${op}`,
      (b, x) => b.unary(op, x as Storage),
      () => [pair([257], lo, hi)],
      2e-5,
    );
  }
  // binary: same shape, broadcast both ways, scalar, fused activation
  for (const op of Object.keys(BINARY_WGSL) as BinaryKernel[]) {
    const [lo, hi] = op === "pow" ? [0.1, 3] : [-3, 3];
    const ints = (shape: Sizes) => {
      // comparisons: integers so ties happen
      const d = Float32Array.from({ length: size(shape) }, () => Math.round(rand(-2, 2)));
      return [up(d), ref(d)] as [Storage, Storage];
    };
    const mk = (shape: Sizes) => (["eq", "ne", "le", "ge", "lt", "gt", "maximum", "minimum"].includes(op) ? ints(shape) : pair(shape, lo, hi));
    run2(
      `binary ${op} same`,
      (b, x, y) => b.binary(op, x as Storage, [3, 70], y as Storage, [3, 70], [3, 70]),
      () => [mk([3, 70]), mk([3, 70])],
      2e-5,
    );
    run2(
      `binary ${op} broadcast`,
      (b, x, y) => b.binary(op, x as Storage, [3, 1, 5], y as Storage, [4, 1], [3, 4, 5]),
      () => [mk([3, 1, 5]), mk([4, 1])],
      2e-5,
    );
    run2(
      `binary ${op} row`,
      (b, x, y) => b.binary(op, x as Storage, [6, 5], y as Storage, [5], [6, 5]),
      () => [mk([6, 5]), mk([5])],
      2e-5,
    );
    run2(
      `binary ${op} scalar`,
      (b, x, y) => b.binary(op, x as Storage, [], y as Storage, [2, 9], [2, 9]),
      () => [mk([]), mk([2, 9])],
      2e-5,
    );
  }
  {
    // pow of negative bases with integer exponents (the reference gives real results there)
    const a = Float32Array.from([-2, -1.5, -3, 0, 0, 2]);
    const e = Float32Array.from([3, 2, -1, 2, -1, 0.5]);
    run2(
      "binary pow negative base",
      (b, x, y) => b.binary("pow", x as Storage, [6], y as Storage, [6], [6]),
      () => [
        [up(a), ref(a)],
        [up(e), ref(e)],
      ],
    );
  }
  for (const then of ["relu", "sigmoid", "tanh", "gelu"] as const) {
    run2(
      `binary add then ${then} (fused bias + activation)`,
      (b, x, y) => b.binary("add", x as Storage, [8, 33], y as Storage, [8, 1], [8, 33], then),
      () => [pair([8, 33]), pair([8, 1])],
      2e-5,
    );
  }
  {
    const c = Float32Array.from({ length: 12 }, () => (rand(0, 1) < 0.5 ? 0 : 1));
    run2(
      "where broadcast",
      (b, k, x, y) => b.where(k as Storage, [3, 4, 1], x as Storage, [5], y as Storage, [4, 5], [3, 4, 5]),
      () => [[up(c), ref(c)], pair([5]), pair([4, 5])],
    );
  }

  // matrix products: odd sizes, every transpose, batch broadcast, several tiles
  const mm = (name: string, aShape: Sizes, bShape: Sizes, tA: boolean, tB: boolean, out: Sizes, tile?: { bm: number; bn: number; bk: number; tm: number; tn: number }) => {
    const K = (tA ? aShape[aShape.length - 2] : aShape[aShape.length - 1]) as number;
    run2(
      name,
      (b, x, y) =>
        b === gpu && tile !== undefined ? webgpuInternals.matmulWith(tile, x as Storage, aShape, y as Storage, bShape, tA, tB, out) : b.matmul(x as Storage, aShape, y as Storage, bShape, tA, tB, out),
      () => [pair(aShape), pair(bShape)],
      1e-5 * Math.sqrt(K) + 1e-6,
    );
  };
  for (const [M, K, N] of [
    [1, 1, 1],
    [3, 5, 7],
    [17, 33, 65],
    [64, 64, 64],
    [70, 130, 9],
  ] as const) {
    for (const tA of [false, true]) {
      for (const tB of [false, true]) {
        mm(`matmul ${M}x${K}x${N} tA=${tA} tB=${tB}`, tA ? [K, M] : [M, K], tB ? [N, K] : [K, N], tA, tB, [M, N]);
      }
    }
  }
  mm("matmul batched broadcast [2,3,5,6]·[3,6,4]", [2, 3, 5, 6], [3, 6, 4], false, false, [2, 3, 5, 4]);
  mm("matmul batched broadcast [1,5,6]·[4,4,6]ᵀ", [1, 5, 6], [4, 4, 6], false, true, [4, 5, 4]);
  for (const tile of [
    { bm: 32, bn: 32, bk: 8, tm: 2, tn: 2 },
    { bm: 64, bn: 64, bk: 8, tm: 8, tn: 8 },
    { bm: 128, bn: 64, bk: 16, tm: 8, tn: 4 },
    { bm: 16, bn: 16, bk: 16, tm: 1, tn: 1 },
  ]) {
    mm(`matmul 37x50x71 tile ${JSON.stringify(tile)}`, [37, 50], [50, 71], false, false, [37, 71], tile);
    mm(`matmul 37x50x71 tA tB tile ${JSON.stringify(tile)}`, [50, 37], [71, 50], true, true, [37, 71], tile);
  }

  // vec4 loads (contiguous dims multiples of 4) next to scalar ones, every transpose, batched
  for (const [M, K, N] of [
    [8, 12, 16],
    [12, 8, 20],
    [8, 13, 16],
    [9, 12, 17],
    [68, 132, 36],
  ] as const) {
    for (const tA of [false, true]) {
      for (const tB of [false, true]) {
        mm(`matmul (vec4 where dims allow) ${M}x${K}x${N} tA=${tA} tB=${tB}`, tA ? [K, M] : [M, K], tB ? [N, K] : [K, N], tA, tB, [M, N]);
      }
    }
  }
  mm("matmul vec4 batched broadcast [2,3,8,12]·[3,12,4]", [2, 3, 8, 12], [3, 12, 4], false, false, [2, 3, 8, 4]);
  mm("matmul vec4 batched broadcast [1,8,12]ᵀ·[4,16,12]ᵀ", [1, 12, 8], [4, 16, 12], true, true, [4, 8, 16]);

  // the bias epilogue: matmul then add (with an activation or not) runs as one kernel; the product stays readable
  const epilogue = (aShape: Sizes, bShape: Sizes, tA: boolean, tB: boolean, outShape: Sizes, biasName: string, biasShape: Sizes, then: UnaryKernel | undefined, zFirst: boolean, fuses = true) => {
    const r = outShape.length;
    const [M, N] = [outShape[r - 2] as number, outShape[r - 1] as number];
    const K = (tA ? aShape[aShape.length - 2] : aShape[aShape.length - 1]) as number;
    const mmName = `${JSON.stringify(aShape)}${tA ? "ᵀ" : ""}·${JSON.stringify(bShape)}${tB ? "ᵀ" : ""}`;
    const name = `fused matmul ${mmName} + bias ${biasName}${zFirst ? "" : " (bias first)"}${then === undefined ? "" : ` then ${then}`}`;
    later(name, async () => {
      const [ga, ra] = pair(aShape);
      const [gb, rb] = pair(bShape);
      const [gc, rc] = pair(biasShape);
      const zShape = outShape.slice(0, -2).length === 0 ? [M, N] : fuses ? outShape : [M, N];
      const before = webgpuInfo()?.fused ?? 0;
      const gz = gpu.matmul(ga, aShape, gb, bShape, tA, tB, zShape);
      const gout = zFirst ? gpu.binary("add", gz, zShape, gc, biasShape, outShape, then) : gpu.binary("add", gc, biasShape, gz, zShape, outShape, then);
      const fusedNow = (webgpuInfo()?.fused ?? 0) - before;
      const rz = reference.matmul(ra, aShape, rb, bShape, tA, tB, zShape);
      const rout = zFirst ? reference.binary("add", rz, zShape, rc, biasShape, outShape, then) : reference.binary("add", rc, biasShape, rz, zShape, outShape, then);
      cases.push({ name: `${name}: ${fuses ? "fused into one kernel" : "not fused (the product is broadcast)"}`, err: fusedNow === (fuses ? 1 : 0) ? 0 : 1, tol: 0 });
      await compare(name, gout, rout, 1e-5 * Math.sqrt(K) + 2e-6);
      await compare(`${name}: the product itself`, gz, rz, 1e-5 * Math.sqrt(K) + 1e-6);
    });
  };
  {
    let k = 0;
    const acts = [undefined, "relu", "sigmoid", "tanh", "gelu"] as const;
    // 2-D, every transpose
    for (const [M, K, N, tA, tB] of [
      [16, 12, 8, false, false],
      [7, 13, 9, false, true],
      [33, 20, 65, true, false],
      [12, 16, 20, true, true],
    ] as const) {
      for (const [biasName, biasShape] of [
        ["[N]", [N]],
        ["[1,N]", [1, N]],
        ["[M,1]", [M, 1]],
        ["scalar", []],
        ["[M,N]", [M, N]],
      ] as const) {
        const then = acts[k++ % 5];
        epilogue(tA ? [K, M] : [M, K], tB ? [N, K] : [K, N], tA, tB, [M, N], biasName, biasShape, then, k % 2 === 0);
      }
    }
    // batched and broadcast-batch products, transposed operands, biases per batch or shared
    for (const [aShape, bShape, tA, tB, outShape] of [
      [[2, 3, 7, 12], [3, 12, 9], false, false, [2, 3, 7, 9]],
      [[1, 12, 8], [4, 16, 12], true, true, [4, 8, 16]],
      [[3, 5, 6], [3, 33, 6], false, true, [3, 5, 33]],
      [[2, 20, 17], [1, 20, 10], true, false, [2, 17, 10]],
    ] as const) {
      const r = outShape.length;
      const [M, N] = [outShape[r - 2] as number, outShape[r - 1] as number];
      const batch = outShape.slice(0, -2);
      for (const [biasName, biasShape] of [
        ["[N]", [N]],
        ["[M,1]", [M, 1]],
        ["scalar", []],
        ["[...batch,1,N] (one per batch)", [...batch, 1, N]],
        ["[...batch,M,N]", outShape],
        ["first batch axis only", [batch[0] as number, ...batch.slice(1).map(() => 1), 1, 1]],
      ] as const) {
        const then = acts[k++ % 5];
        epilogue(aShape, bShape, tA, tB, outShape, biasName, biasShape, then, k % 2 === 0);
      }
    }
    // a product broadcast against a bigger bias is no epilogue: the add runs on its own, rightly
    epilogue([6, 5], [5, 7], false, false, [3, 6, 7], "[3,M,N] (the product broadcast)", [3, 6, 7], "relu", true, false);
  }

  // reductions, softmax, argmax: every axis; short axes (one thread per line), rows longer than a
  // workgroup, long columns (a workgroup per 2, 4 or 32 neighbouring lines, the last one partly idle)
  for (const [shape, axes] of [
    [
      [3, 4, 5],
      [0, 1, 2],
    ],
    [[5, 17, 70], [1]],
    [[70, 3], [0]],
    [
      [2, 300],
      [0, 1],
    ],
    [
      [300, 2],
      [0, 1],
    ],
    [[1000], [0]],
  ] as const) {
    for (const axis of axes) {
      const d = data(size(shape));
      const x = (): [Storage, Storage] => [up(d), ref(d)];
      run2(
        `reduce sum ${JSON.stringify(shape)} axis ${axis}`,
        (b, s) => b.reduce("sum", s as Storage, shape, axis),
        () => [x()],
        1e-5 * Math.sqrt(shape[axis] as number),
      );
      run2(
        `reduce max ${JSON.stringify(shape)} axis ${axis}`,
        (b, s) => b.reduce("max", s as Storage, shape, axis),
        () => [x()],
      );
      run2(
        `softmax ${JSON.stringify(shape)} axis ${axis}`,
        (b, s) => b.softmax(s as Storage, shape, axis, false),
        () => [x()],
      );
      run2(
        `logSoftmax ${JSON.stringify(shape)} axis ${axis}`,
        (b, s) => b.softmax(s as Storage, shape, axis, true),
        () => [x()],
      );
      const ties = Float32Array.from({ length: size(shape) }, () => Math.round(rand(0, 3)));
      run2(
        `argmax (ties) ${JSON.stringify(shape)} axis ${axis}`,
        (b, s) => b.argmax(s as Storage, shape, axis),
        () => [[up(ties), ref(ties)]],
        0,
      );
    }
  }

  // the fused training kernels, one dispatch each: softmax cross-entropy's pullback along every
  // axis (short lines a thread each, long rows and long columns a workgroup), the log-loss's
  // pullback, the gradient-descent update (bit for bit the mul and sub it replaces) and pack
  // (bit for bit this backend's own sums, several dispatches where it holds more storages than one binds)
  const oneDispatch = (f: () => Storage): [Storage, number] => {
    webgpuInternals.settle();
    const before = webgpuInfo()?.dispatches ?? 0;
    const s = f();
    return [s, (webgpuInfo()?.dispatches ?? 0) - before];
  };
  const dispatched: string[] = [];
  for (const [shape, axes] of [
    [
      [3, 4, 5],
      [0, 1, 2],
    ],
    [[5, 17, 70], [1]],
    [[70, 3], [0]],
    [
      [2, 300],
      [0, 1],
    ],
    [[300, 2], [0]],
    [[1000], [0]],
  ] as const) {
    for (const axis of axes) {
      const n = shape[axis] as number;
      // ls: a log-softmax along the axis (so e^ls is a distribution), Y: any targets in [0, 1]
      const ls = reference.read(reference.softmax(ref(data(size(shape), -4, 4)), shape, axis, true));
      const y = data(size(shape), 0, 1);
      const g = data(1, 0.5, 2);
      run2(
        `softmaxCrossEntropyGrad ${JSON.stringify(shape)} axis ${axis}`,
        (b, l, t, c) => {
          if (b === reference) return b.softmaxCrossEntropyGrad?.(l as Storage, t as Storage, shape, axis, c as Storage, 7) as Storage;
          const [out, k] = oneDispatch(() => b.softmaxCrossEntropyGrad?.(l as Storage, t as Storage, shape, axis, c as Storage, 7) as Storage);
          if (k !== 1) dispatched.push(`softmaxCrossEntropyGrad ${JSON.stringify(shape)} axis ${axis}: ${k} dispatches`);
          return out;
        },
        () => [
          [up(ls), ref(ls)],
          [up(y), ref(y)],
          [up(g), ref(g)],
        ],
        2e-6 * Math.sqrt(n),
      );
    }
  }
  for (const n of [1, 131, 1000]) {
    const z = data(n, -30, 30);
    const y = data(n, 0, 1);
    const g = data(1, 0.5, 2);
    run2(
      `logLossGrad [${n}]`,
      (b, zz, t, c) => {
        if (b === reference) return b.logLossGrad?.(zz as Storage, t as Storage, c as Storage, 3) as Storage;
        const [out, k] = oneDispatch(() => b.logLossGrad?.(zz as Storage, t as Storage, c as Storage, 3) as Storage);
        if (k !== 1) dispatched.push(`logLossGrad [${n}]: ${k} dispatches`);
        return out;
      },
      () => [
        [up(z), ref(z)],
        [up(y), ref(y)],
        [up(g), ref(g)],
      ],
      2e-6,
    );
  }
  for (const [n, lr] of [
    [1, 0.1],
    [257, 1e-3],
    [1000, 0.37],
    [4099, -2.5],
  ] as const) {
    const w = data(n, -3, 3);
    const g = data(n, -3, 3);
    run2(
      `sgdUpdate [${n}] lr ${lr}: bit for bit the reference's`,
      (b, ww, gg) => {
        if (b === reference) return b.sgdUpdate?.(ww as Storage, gg as Storage, lr) as Storage;
        const [out, k] = oneDispatch(() => b.sgdUpdate?.(ww as Storage, gg as Storage, lr) as Storage);
        if (k !== 1) dispatched.push(`sgdUpdate [${n}]: ${k} dispatches`);
        return out;
      },
      () => [
        [up(w), ref(w)],
        [up(g), ref(g)],
      ],
      0,
    );
    later(`sgdUpdate [${n}] lr ${lr}: bit for bit the GPU's mul then sub`, async () => {
      const [ww, gg] = [up(w), up(g)];
      const two = gpu.binary("sub", ww, [n], gpu.binary("mul", gg, [n], gpu.fill("float32", 1, lr), [], [n]), [n], [n]);
      await compare(
        `sgdUpdate [${n}] lr ${lr}: bit for bit the GPU's mul then sub`,
        gpu.sgdUpdate?.(ww, gg, lr) as Storage,
        reference.fromArray("float32", await (gpu.readAsync as (s: Storage) => Promise<TypedArray>)(two)),
        0,
      );
    });
  }
  // pack: the cost, probes of every length class (empty, short, a workgroup and one more, long;
  // finite, or with one NaN, +∞ or −∞ anywhere, the last lane included) and copies, then more
  // storages than one dispatch binds
  const poison = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
  for (const lengths of [[1, 10, 16, 17, 64, 65, 1000, 0, 300, 5, 257, 3], Array.from({ length: 23 }, (_, i) => 1 + ((i * 37) % 90))]) {
    const probed = lengths.map((_, i) => i > 0 && i % 3 !== 2);
    later(`pack ${lengths.length} storages`, async () => {
      const ds = lengths.map((n, i) => {
        const d = data(n);
        // every other probed storage gets one non-finite element, at its end for the long ones
        if (probed[i] === true && i % 2 === 1 && n > 0) d[i % 4 === 1 ? n - 1 : (i * 7) % n] = poison[i % 3] as number;
        return d;
      });
      const gs = ds.map((d) => up(d));
      const [packed, k] = oneDispatch(() => gpu.pack?.(gs, probed) as Storage);
      const per = webgpuInternals.packPerDispatch();
      const want: number[] = [];
      for (const [i, d] of ds.entries()) want.push(...(probed[i] === true ? [d.every((v) => Number.isFinite(v)) ? 0 : Number.NaN] : d));
      await compare(`pack ${lengths.length} storages (${k} dispatches): the elements, and 0 or NaN for each probe`, packed, reference.fromArray("float32", want), 0);
      await compare(
        `pack ${lengths.length} storages: as the reference's`,
        packed,
        reference.pack?.(
          ds.map((d) => ref(d)),
          probed,
        ) as Storage,
        0,
      );
      cases.push({
        name: `pack ${lengths.length} storages: ${k} dispatches (want ${Math.ceil(lengths.length / per)}, ${per} storages each)`,
        err: Math.abs(k - Math.ceil(lengths.length / per)),
        tol: 0,
      });
    });
  }
  later("fused training kernels: one dispatch each; clear errors", async () => {
    cases.push({ name: `fused training kernels: one dispatch each (${dispatched.join("; ") || "all"})`, err: dispatched.length, tol: 0 });
    const message = (f: () => unknown): string => {
      try {
        f();
        return "(no error)";
      } catch (e) {
        return e instanceof Error ? e.message : String(e);
      }
    };
    const mLen = message(() => gpu.sgdUpdate?.(up([1, 2]), up([1, 2, 3]), 0.1));
    cases.push({ name: `sgdUpdate of two lengths is refused: ${mLen}`, err: /^webgpu backend sgdUpdate: 'w' has 2 elements, 'g' 3/.test(mLen) ? 0 : 1, tol: 0 });
    const mPack = message(() => gpu.pack?.([], []));
    cases.push({ name: `pack of nothing is refused: ${mPack}`, err: /^webgpu backend pack: argument 'xs'/.test(mPack) ? 0 : 1, tol: 0 });
    const mCpu = message(() => gpu.logLossGrad?.(ref([1]), up([1]), up([1]), 1));
    cases.push({ name: `logLossGrad of a CPU storage is refused: ${mCpu}`, err: /^webgpu backend logLossGrad: got a storage of backend 'reference'/.test(mCpu) ? 0 : 1, tol: 0 });
  });

  // data movement
  run2(
    "broadcastTo [3,1]→[2,3,4]",
    (b, s) => b.broadcastTo(s as Storage, [3, 1], [2, 3, 4]),
    () => [pair([3, 1])],
    0,
  );
  run2(
    "permute [2,3,4,5] (2,0,3,1)",
    (b, s) => b.permute(s as Storage, [2, 3, 4, 5], [2, 0, 3, 1]),
    () => [pair([2, 3, 4, 5])],
    0,
  );
  run2(
    "permute [7,9] transpose",
    (b, s) => b.permute(s as Storage, [7, 9], [1, 0]),
    () => [pair([7, 9])],
    0,
  );
  run2(
    "slice [4,6,3] axis 1 2..5",
    (b, s) => b.slice(s as Storage, [4, 6, 3], 1, 2, 5),
    () => [pair([4, 6, 3])],
    0,
  );
  run2(
    "pad [4,6,3] axis 2 (1, 2)",
    (b, s) => b.pad(s as Storage, [4, 6, 3], 2, 1, 2),
    () => [pair([4, 6, 3])],
    0,
  );
  run2(
    "concat axis 1",
    (b, x, y, z) =>
      b.concat(
        [x as Storage, y as Storage, z as Storage],
        [
          [2, 1, 3],
          [2, 4, 3],
          [2, 2, 3],
        ],
        1,
      ),
    () => [pair([2, 1, 3]), pair([2, 4, 3]), pair([2, 2, 3])],
    0,
  );
  for (const g of [
    { kh: 3, kw: 2, sh: 1, sw: 2, dh: 1, dw: 1, padTop: 1, padLeft: 0, outH: 5, outW: 3 },
    { kh: 2, kw: 3, sh: 2, sw: 1, dh: 2, dw: 1, padTop: 0, padLeft: 1, outH: 2, outW: 6 },
  ]) {
    run2(
      `im2col ${JSON.stringify(g)}`,
      (b, s) => b.im2col(s as Storage, [2, 5, 6, 3], g, -1),
      () => [pair([2, 5, 6, 3])],
      0,
    );
    run2(
      `col2im ${JSON.stringify(g)}`,
      (b, s) => b.col2im(s as Storage, g, [2, 5, 6, 3]),
      () => [pair([2, g.outH, g.outW, g.kh, g.kw, 3])],
      1e-6,
    );
    for (const [groups, ci, F] of [
      [1, 3, 4],
      [3, 1, 6],
    ] as const)
      run2(
        `conv2d ${JSON.stringify(g)} groups ${groups}`,
        (b, x, w) => b.conv2d(x as Storage, [2, 5, 6, 3], w as Storage, [g.kh, g.kw, ci, F], g, groups),
        () => [pair([2, 5, 6, 3]), pair([g.kh, g.kw, ci, F])],
        1e-5,
      );
  }
  // the implicit-GEMM convolution on random small shapes (strides, padding, dilation, groups,
  // depthwise; every tile kind and both vec4 paths): forward, and both cotangents of
  // sum(conv2d(x, w) · R) with conv2d forced onto the implicit kernel (the image's cotangent at
  // stride 1 is itself a convolution, so it runs there too)
  {
    const draw = lcg(23);
    const int = (lo: number, hi: number): number => Math.floor(draw(lo, hi + 1));
    const fixed: { x: number[]; k: [number, number]; F: number; groups: number; opts: Record<string, unknown> }[] = [
      // vec4 image and kernel loads (ci, og multiples of 4), the wide tile (og > 16)
      { x: [2, 6, 5, 8], k: [3, 3], F: 40, groups: 2, opts: { padding: "same" } },
      // depthwise (the one-column tile), stride 2, dilation
      { x: [2, 9, 8, 4], k: [3, 3], F: 4, groups: 4, opts: { padding: 2, stride: 2, dilation: 2 } },
      // 1×1 (its own windows), more than one column tile
      { x: [1, 4, 5, 3], k: [1, 1], F: 70, groups: 1, opts: {} },
      // 3 output channels per group (the 4-wide tile)
      { x: [2, 5, 5, 6], k: [2, 2], F: 9, groups: 3, opts: { padding: 1 } },
    ];
    const drawn = Array.from({ length: 5 }, () => {
      const groups = [1, 1, 2, 3][int(0, 3)] as number;
      const ci = int(1, 5);
      return {
        x: [int(1, 3), int(3, 8), int(3, 8), groups * ci],
        k: [int(1, 3), int(1, 3)] as [number, number],
        F: groups * int(1, 20),
        groups,
        opts: { stride: [int(1, 2), int(1, 3)], dilation: [int(1, 2), 1], padding: int(0, 3) === 0 ? "same" : [int(0, 2), int(0, 2)] },
      };
    });
    for (const c of [...fixed, ...drawn]) {
      let g: ReturnType<typeof shapes.windowGeometry>;
      try {
        g = shapes.windowGeometry("conv2d", c.x, c.k, c.opts as never);
      } catch {
        continue; // a kernel wider than the padded image: no output
      }
      const ws = [c.k[0], c.k[1], (c.x[3] as number) / c.groups, c.F];
      const name = `conv2d implicit ${JSON.stringify(c.x)} * ${JSON.stringify(ws)} ${JSON.stringify(c.opts)} groups ${c.groups}`;
      later(name, () => convCase().catch((e: unknown) => void errors.push(`${name}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`)));
      const convCase = async (): Promise<void> => {
        const xd = data(size(c.x));
        const wd = data(size(ws));
        const rd = data((c.x[0] as number) * g.outH * g.outW * c.F);
        await compare(name, webgpuInternals.convImplicit(undefined, up(xd), c.x, up(wd), ws, g, c.groups), reference.conv2d(ref(xd), c.x, ref(wd), ws, g, c.groups), 1e-5);
        const grads = (b: Backend) =>
          setBackendAnd(b, () => {
            const f = (p: { x: Tensor; w: Tensor }) => sum(mul(conv2dAny(p.x, p.w, { ...c.opts, groups: c.groups } as never), fromArray([c.x[0] as number, g.outH, g.outW, c.F], rd)));
            return valueAndGrad(f)({ x: fromArray(c.x, xd), w: fromArray(ws, wd) })[1];
          });
        const before = webgpuInfo()?.implicitConvs ?? 0;
        const prev = configureWebGPU({ conv: "implicit" });
        try {
          const gg = grads(gpu);
          const rg = grads(reference);
          await compare(`${name}: image cotangent`, storageOf(gg.x), storageOf(rg.x), 1e-5);
          await compare(`${name}: kernel cotangent`, storageOf(gg.w), storageOf(rg.w), 1e-5);
        } finally {
          configureWebGPU(prev);
        }
        const stride1 = g.sh === 1 && g.sw === 1 && g.padTop <= g.dh * (g.kh - 1) && g.padLeft <= g.dw * (g.kw - 1);
        const ran = (webgpuInfo()?.implicitConvs ?? 0) - before;
        cases.push({ name: `${name}: ${ran} implicit convolutions for the forward pass and the gradient (want ${stride1 ? 2 : 1})`, err: Math.abs(ran - (stride1 ? 2 : 1)), tol: 0 });
      };
    }
    // row tiles beyond the grid's fold (lowered from 65535 to 3) continue in x
    {
      const xs = [2, 9, 7, 5];
      const g = shapes.windowGeometry("conv2d", xs, [3, 2], { padding: 1 });
      run2(
        "conv2d implicit: 126 row tiles folded into x every 3",
        (b, x, w) =>
          b === gpu
            ? webgpuInternals.convImplicit({ bm: 1, bn: 16, bk: 16, tm: 1, tn: 1 }, x as Storage, xs, w as Storage, [3, 2, 5, 6], g, 1, 3)
            : b.conv2d(x as Storage, xs, w as Storage, [3, 2, 5, 6], g, 1),
        () => [pair(xs), pair([3, 2, 5, 6])],
        1e-5,
      );
    }
    // "auto": the window buffer within the bound goes through im2col and the product, beyond it through the implicit kernel
    later("conv2d auto: the implicit kernel beyond the window-buffer bound", async () => {
      const xs = [3, 7, 6, 4];
      const ws = [3, 3, 4, 5];
      const g = shapes.windowGeometry("conv2d", xs, [3, 3], { padding: "same" });
      const windows = 3 * 7 * 6 * 9 * 4 * 4;
      const xd = data(size(xs));
      const wd = data(size(ws));
      const want = reference.conv2d(ref(xd), xs, ref(wd), ws, g, 1);
      for (const [bound, implicit] of [
        [windows, false],
        [windows - 4, true],
      ] as const) {
        const prev = configureWebGPU({ conv: "auto", convWindowBytes: bound });
        try {
          const before = webgpuInfo()?.implicitConvs ?? 0;
          const y = gpu.conv2d(up(xd), xs, up(wd), ws, g, 1);
          const ran = (webgpuInfo()?.implicitConvs ?? 0) - before;
          await compare(`conv2d auto, a ${windows}-byte window buffer against a bound of ${bound}: agrees`, y, want, 1e-5);
          cases.push({ name: `conv2d auto, a ${windows}-byte window buffer against a bound of ${bound}: ${implicit ? "implicit" : "windows"}`, err: ran === (implicit ? 1 : 0) ? 0 : 1, tol: 0 });
        } finally {
          configureWebGPU(prev);
        }
      }
      // a matmul tile the implicit kernel cannot use (4 threads, bk 32): the convolution takes the default tile
      {
        const ws2 = [3, 3, 4, 20];
        const wd2 = data(size(ws2));
        const prev = configureWebGPU({ conv: "implicit", tile: { bm: 4, bn: 4, bk: 32, tm: 2, tn: 2 } });
        try {
          await compare("conv2d implicit under a matmul tile it cannot use: agrees", gpu.conv2d(up(xd), xs, up(wd2), ws2, g, 1), reference.conv2d(ref(xd), xs, ref(wd2), ws2, g, 1), 1e-5);
        } finally {
          configureWebGPU(prev);
        }
      }
      const limit = webgpuInternals.convWindowLimit();
      cases.push({
        name: `conv2d auto: the default bound (${limit} bytes) is a quarter of the largest binding`,
        err: limit === Math.floor(Math.min(...webgpuInternals.bufferLimits()) / 4) ? 0 : 1,
        tol: 0,
      });
    });
  }
  // the bias epilogue of a convolution: conv2d then a bias add (with an activation or not) runs
  // as one kernel, on the implicit kernel and on the windows path's product (groups 1, one slice;
  // the grouped windows path ends in a permute, so its add runs on its own); the convolution's
  // own output stays readable. One activation per shape: each new kernel costs SwiftShader ~2 s to compile
  {
    const acts = [undefined, "relu", "sigmoid", "tanh", "gelu"] as const;
    let k = 0;
    const convs: { x: number[]; k: [number, number]; F: number; groups: number; opts: Record<string, unknown> }[] = [
      { x: [2, 6, 5, 3], k: [3, 3], F: 5, groups: 1, opts: { padding: "same" } },
      { x: [2, 7, 6, 8], k: [3, 2], F: 12, groups: 1, opts: { stride: 2, padding: [1, 0] } },
      { x: [1, 9, 8, 4], k: [3, 3], F: 4, groups: 4, opts: { padding: 2, stride: 2, dilation: 2 } },
      { x: [2, 5, 5, 6], k: [2, 2], F: 9, groups: 3, opts: { padding: 1 } },
      { x: [1, 4, 5, 3], k: [1, 1], F: 70, groups: 1, opts: {} },
      // windows as large as the output: the released window buffer must not come back as the epilogue's output while the product reads it
      { x: [2, 6, 6, 4], k: [1, 1], F: 4, groups: 1, opts: { stride: 2 } },
    ];
    for (const [ci, c] of convs.entries()) {
      const then = acts[ci % acts.length];
      const g = shapes.windowGeometry("conv2d", c.x, c.k, c.opts as never);
      const ws = [c.k[0], c.k[1], (c.x[3] as number) / c.groups, c.F];
      const outShape = [c.x[0] as number, g.outH, g.outW, c.F];
      const M = size(outShape) / c.F;
      for (const method of ["implicit", "windows"] as const) {
        for (const [biasName, biasShape, collapses] of [
          ["[F]", [c.F], true],
          ["scalar", [], true],
          ["[1,1,1,F]", [1, 1, 1, c.F], true],
          ["[m,outH,outW,F]", outShape, true],
          ["[m,1,1,F] (per example: no one row stride)", [c.x[0] as number, 1, 1, c.F], (c.x[0] as number) === 1 || M === (c.x[0] as number)],
        ] as const) {
          const zFirst = k++ % 2 === 0;
          const fuses = collapses && (method === "implicit" || c.groups === 1);
          const name = `fused conv2d ${method} ${JSON.stringify(c.x)} * ${JSON.stringify(ws)} ${JSON.stringify(c.opts)} groups ${c.groups} + bias ${biasName}${zFirst ? "" : " (bias first)"}${then === undefined ? "" : ` then ${then}`}`;
          later(name, async () => {
            const [gx, rx] = pair(c.x);
            const [gw, rw] = pair(ws);
            const [gb, rb] = pair(biasShape);
            const prev = configureWebGPU({ conv: method });
            try {
              const before = webgpuInfo()?.fused ?? 0;
              const gz = gpu.conv2d(gx, c.x, gw, ws, g, c.groups);
              const gout = zFirst ? gpu.binary("add", gz, outShape, gb, biasShape, outShape, then) : gpu.binary("add", gb, biasShape, gz, outShape, outShape, then);
              const fusedNow = (webgpuInfo()?.fused ?? 0) - before;
              const rz = reference.conv2d(rx, c.x, rw, ws, g, c.groups);
              const rout = zFirst ? reference.binary("add", rz, outShape, rb, biasShape, outShape, then) : reference.binary("add", rb, biasShape, rz, outShape, outShape, then);
              cases.push({ name: `${name}: ${fuses ? "fused into one kernel" : "not fused"}`, err: fusedNow === (fuses ? 1 : 0) ? 0 : 1, tol: 0 });
              await compare(name, gout, rout, 2e-5);
              await compare(`${name}: the convolution itself`, gz, rz, 1e-5);
            } finally {
              configureWebGPU(prev);
            }
          });
        }
      }
    }
    // the convolution layer: apply and both pullbacks, on both paths, each activation the layer fuses
    for (const [i, [inShape, filters, kernel, opts, method]] of (
      [
        [[6, 5, 3], 5, 3, { activation: "relu", padding: "same" }, "implicit"],
        [[7, 6, 4], 6, [3, 2], { activation: "sigmoid", stride: 2 }, "windows"],
        [[8, 7, 4], 4, 3, { activation: "tanh", groups: 4, padding: 1 }, "implicit"],
        [[5, 5, 6], 9, 2, { activation: "linear", groups: 3 }, "implicit"],
      ] as const
    ).entries()) {
      const name = `conv2dLayer ${JSON.stringify(inShape)} → ${filters} ${JSON.stringify(kernel)} ${JSON.stringify(opts)} on ${method}`;
      later(name, async () => {
        try {
          const layer = conv2dLayer(inShape as [number, number, number], filters, kernel as never, opts as never);
          const apply = layer.apply as unknown as (p: unknown, x: Tensor) => Tensor;
          const xs = [2, ...inShape];
          const xd = data(size(xs));
          // a bias away from zero, so that a lost bias shows
          const bd = data(filters);
          const outShape = [2, ...(layer.nOut as readonly number[])];
          const rd = data(size(outShape));
          const run = (b: Backend) =>
            setBackendAnd(b, () => {
              const p = layer.init(rng(10 + i)) as unknown as { W: Tensor; b: Tensor };
              const params = { ...p, b: fromArray([filters], bd) };
              const x = fromArray(xs, xd);
              const y = apply(params, x);
              const f = (q: { x: Tensor; W: Tensor; b: Tensor }) => sum(mul(apply({ W: q.W, b: q.b }, q.x), fromArray(outShape, rd)));
              const [, grads] = valueAndGrad(f)({ x, W: params.W as Tensor, b: params.b as Tensor });
              return { y, grads };
            });
          const prev = configureWebGPU({ conv: method });
          try {
            const before = webgpuInfo()?.fused ?? 0;
            const gr = run(gpu);
            const fused = (webgpuInfo()?.fused ?? 0) - before;
            const rr = run(reference);
            // apply, and the forward pass under valueAndGrad
            cases.push({ name: `${name}: ${fused} bias epilogues fused (want 2)`, err: Math.abs(fused - 2), tol: 0 });
            await compare(`${name}: apply`, storageOf(gr.y), storageOf(rr.y), 2e-5);
            await compare(`${name}: image cotangent`, storageOf(gr.grads.x), storageOf(rr.grads.x), 2e-5);
            await compare(`${name}: kernel cotangent`, storageOf(gr.grads.W), storageOf(rr.grads.W), 2e-5);
            await compare(`${name}: bias cotangent`, storageOf(gr.grads.b), storageOf(rr.grads.b), 2e-5);
          } finally {
            configureWebGPU(prev);
          }
        } catch (e) {
          errors.push(`${name}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
        }
      });
    }
  }
  run2("fill", (b) => b.fill("float32", 1000, -2.5), [], 0);
  run2(
    "cast float32",
    (b, s) => b.cast(s as Storage, "float32"),
    () => [pair([33])],
    0,
  );

  // a big elementwise kernel crosses the 65535-workgroup row of the grid
  {
    const n = 65535 * 256 + 1000;
    const d = new Float32Array(n);
    for (let i = 0; i < n; i++) d[i] = (i % 1000) / 100 - 5;
    run2(
      "unary neg over 16.8M elements (2-D grid)",
      (b, s) => b.unary("neg", s as Storage),
      () => [[up(d), ref(d)]],
      0,
    );
  }

  // memory: released buffers are reused; float64 and sync reads are clear errors
  later("memory and errors", async () => {
    const before = webgpuInfo()?.reused ?? 0;
    for (let i = 0; i < 20; i++) {
      const s = gpu.fill("float32", 4096, i);
      gpu.release?.(s);
    }
    const reused = (webgpuInfo()?.reused ?? 0) - before;
    cases.push({ name: "release: 20 fills of one size reuse pooled buffers (err = 20 - reuses - 1)", err: Math.max(0, 19 - reused), tol: 0 });
    const message = (f: () => unknown): string => {
      try {
        f();
        return "(no error)";
      } catch (e) {
        return e instanceof Error ? e.message : String(e);
      }
    };
    const m64 = message(() => gpu.fromArray("float64", [1]));
    cases.push({ name: `float64 is refused: ${m64}`, err: /float64 stays on the CPU backends/.test(m64) ? 0 : 1, tol: 0 });
    const mRead = message(() => setBackendAnd(gpu, () => toArray(tensor([1, 2]))));
    cases.push({ name: `sync read is refused: ${mRead}`, err: /toArrayAsync/.test(mRead) ? 0 : 1, tol: 0 });
    // tidy: what it returns stays readable; what it released is a clear error, also for an async read
    const [kept, dropped] = setBackendAnd(gpu, () => {
      let d: Tensor | undefined;
      const k = tidy(() => {
        d = add(tensor([1, 2]), 1);
        return add(d, 1);
      });
      return [k, d as Tensor] as const;
    });
    const keptValues = Array.from(await toFlatAsync(kept));
    cases.push({ name: "tidy: the returned tensor reads back", err: Math.abs((keptValues[0] ?? 0) - 3) + Math.abs((keptValues[1] ?? 0) - 4), tol: 0 });
    const mOp = message(() => setBackendAnd(gpu, () => add(dropped, 1)));
    cases.push({ name: `tidy: an op on a released tensor is refused: ${mOp}`, err: /^add: argument 'a' \(shape \[2\]\) was released at the end of a tidy\(\) scope/.test(mOp) ? 0 : 1, tol: 0 });
    const mAsync = await toFlatAsync(dropped).then(
      () => "(no error)",
      (e: unknown) => (e instanceof Error ? e.message : String(e)),
    );
    cases.push({
      name: `tidy: an async read of a released tensor is refused: ${mAsync}`,
      err: /^toFlatAsync: argument 't' .* was released at the end of a tidy\(\) scope/.test(mAsync) ? 0 : 1,
      tol: 0,
    });
  });

  // the MNIST model (784-128-64-10 ReLU) trains three steps alike on both backends, with Adam and
  // with plain gradient descent; a step's loss pullback, its updates and the read cost the GPU
  // 24 dispatches with gd once its scalars are made (44 before the fused kernels)
  for (const [name, makeOpt, most] of [
    ["Adam", () => adam(1e-3), undefined],
    ["gd", () => gd(0.1), 24],
  ] as const)
    later(`mnist model, ${name}`, async () => {
      try {
        const net = mlp([784, 128, 64, 10], { hidden: "relu", init: "he", layout: "rows" });
        const m = 16;
        const xs = Array.from({ length: m }, () => Array.from({ length: 784 }, () => rand(0, 1)));
        const ys = Array.from({ length: m }, (_, i) => Array.from({ length: 10 }, (_, k) => (k === i % 10 ? 1 : 0)));
        const train = async (b: Backend): Promise<{ losses: number[]; params: Float32Array[]; dispatches: number }> =>
          setBackendAndAsync(b, async () => {
            const X = tensor(xs) as unknown as Tensor<[16, 784]>;
            const Y = tensor(ys) as unknown as Tensor<[16, 10]>;
            let params = net.init(rng(3));
            const opt = makeOpt();
            let state = opt.init(params);
            const losses: number[] = [];
            let dispatches = 0;
            for (let step = 0; step < 3; step++) {
              const before = webgpuInfo()?.dispatches ?? 0;
              const [J, grads] = valueAndGrad((p: typeof params) => softmaxCrossEntropy(net.apply(p, X, { training: true }), Y, { layout: "rows" }))(params);
              [params, state] = opt.step(params, grads, state);
              losses.push(await itemAsync(J));
              dispatches = (webgpuInfo()?.dispatches ?? 0) - before;
            }
            const leaves = Object.values(params) as Parameters<typeof toFlat>[0][];
            return { losses, params: (await Promise.all(leaves.map((t) => toFlatAsync(t)))) as Float32Array[], dispatches };
          });
        const g = await train(gpu);
        const r = await train(reference);
        cases.push({
          name: `mnist model: 3 ${name} steps, losses`,
          err: Math.max(...g.losses.map((l, i) => Math.abs(l - (r.losses[i] as number)) / (1 + Math.abs(r.losses[i] as number)))),
          tol: 1e-4,
        });
        let err = 0;
        g.params.forEach((p, k) => {
          const q = r.params[k] as Float32Array;
          for (let i = 0; i < q.length; i++) err = Math.max(err, Math.abs((p[i] as number) - (q[i] as number)) / (1 + Math.abs(q[i] as number)));
        });
        cases.push({ name: `mnist model: 3 ${name} steps, parameters`, err, tol: 1e-4 });
        if (most !== undefined) cases.push({ name: `mnist model: a ${name} step is ${g.dispatches} dispatches (want ≤ ${most})`, err: Math.max(0, g.dispatches - most), tol: 0 });
      } catch (e) {
        errors.push(`mnist model, ${name}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      }
    });

  // the log-loss's fused pullback through the op and through grad (its own kernel; checked alone above)
  later("logLossGrad", async () => {
    try {
      const zs = Array.from(data(131, -8, 8));
      const ys = zs.map((_, i) => (i % 3 === 0 ? 1 : 0));
      const go = (b: Backend): Promise<[Float32Array, Float32Array]> =>
        setBackendAndAsync(b, async () => {
          const Z = tensor([zs]) as unknown as Tensor<[1, 131]>;
          const Y = tensor([ys]) as unknown as Tensor<[1, 131]>;
          const direct = logLossGrad(Z, Y, tensor(1.5), 7);
          const [, dZ] = valueAndGrad((w: Tensor<[1, 131]>) => logLossFromLogits(w, Y))(Z);
          return [(await toFlatAsync(direct)) as Float32Array, (await toFlatAsync(dZ)) as Float32Array];
        });
      const g = await go(gpu);
      const r = await go(reference);
      const worst = (a: Float32Array, b: Float32Array): number => Math.max(...Array.from(b, (v, i) => Math.abs((a[i] as number) - v) / (1 + Math.abs(v))));
      cases.push({ name: "logLossGrad (σ(z) − y)·(g/m), the op", err: worst(g[0], r[0]), tol: 2e-6 });
      cases.push({ name: "grad of logLossFromLogits", err: worst(g[1], r[1]), tol: 2e-6 });
    } catch (e) {
      errors.push(`logLossGrad: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    }
  });

  // WGSL that does not compile is an exception naming the kernel, the op and the line, at the next read
  later("WGSL errors", async () => {
    const good = `@group(0) @binding(0) var<storage, read> p: array<u32>;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i >= p[0]) { return; }
  out[i] = -x[i];
}`;
    const d = data(100);
    await compare("a WGSL kernel from source (the hook the bad-shader check uses) runs", webgpuInternals.unaryFrom("neg-by-hand", "test op", good, up(d)), reference.unary("neg", ref(d)), 0);
    const bad = good.replace("out[i] = -x[i];", "out[i] = -x[i] * undefinedThing;");
    let message = "(no error)";
    try {
      const y = webgpuInternals.unaryFrom("bad", "test op", bad, up(d));
      await (gpu.readAsync as (s: Storage) => Promise<TypedArray>)(y);
    } catch (e) {
      message = e instanceof Error ? e.message : String(e);
    }
    cases.push({
      name: `a bad WGSL kernel is an exception: ${message}`,
      err: /kernel 'custom:bad' \(op test op\) does not compile: line 8:/.test(message) && /undefinedThing/.test(message) ? 0 : 1,
      tol: 0,
    });
    // the backend goes on working, and the error was reported once
    await compare("after a bad kernel, the next op and read work", gpu.unary("neg", up(d)), reference.unary("neg", ref(d)), 0);
  });

  // an op whose inputs live on a CPU backend and on the GPU runs on the GPU, the CPU one uploaded
  later("mixed backends", () => mixed().catch((e: unknown) => void errors.push(`mixed backends: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`)));
  const mixed = async (): Promise<void> => {
    const a = [
      [1, 2, 3],
      [4, 5, 6],
    ];
    const b = [10, 20, 30];
    // load the WASM backend (a browser fetches its build) without changing the current backend
    const current = getBackend();
    await ready("wasm");
    setBackend(current);
    for (const cpu of [reference, wasm]) {
      const onCpu = setBackendAnd(cpu, () => tensor(b));
      const onGpu = setBackendAnd(gpu, () => tensor(a));
      const cpuFirst = add(onCpu, onGpu);
      const gpuFirst = add(onGpu, onCpu);
      const want = [11, 22, 33, 14, 25, 36];
      for (const [name, t] of [
        ["CPU input first", cpuFirst],
        ["GPU input first", gpuFirst],
      ] as const) {
        const got = Array.from(await toFlatAsync(t));
        let onDevice = false;
        try {
          toArray(t);
        } catch (e) {
          onDevice = /toArrayAsync/.test(String(e));
        }
        cases.push({ name: `mixed ${cpu.name} + webgpu (${name}): the result lives on the GPU and is right`, err: onDevice && got.every((v, i) => v === want[i]) ? 0 : 1, tol: 0 });
      }
      const W = setBackendAnd(cpu, () => tensor([[1], [1], [1]]));
      const prod = Array.from(await toFlatAsync(matmul(onGpu, W)));
      cases.push({ name: `mixed matmul(webgpu, ${cpu.name})`, err: Math.abs((prod[0] as number) - 6) + Math.abs((prod[1] as number) - 15), tol: 0 });
    }
  };

  // fitAsync and evaluateAsync train on the GPU like the reference backend; fit and evaluate name them
  later("fitAsync", async () => {
    try {
      const m = 48;
      const xs = Array.from({ length: m }, () => Array.from({ length: 784 }, () => rand(0, 1)));
      const ys = Array.from({ length: m }, (_, i) => Array.from({ length: 10 }, (_, k) => (k === (i * 7) % 10 ? 1 : 0)));
      const train = examples<784, 10>(xs.slice(0, 32), ys.slice(0, 32));
      const validation = examples<784, 10>(xs.slice(32), ys.slice(32));
      const net = mlp([784, 128, 64, 10], { hidden: "relu", init: "he", layout: "rows" });
      const options = (b: Backend) =>
        setBackendAnd(b, () => ({
          model: net,
          params: net.init(rng(5)),
          loss: softmaxCrossEntropy,
          // plain gradient descent: Adam divides by √v, which turns a float32 rounding in a near-zero gradient into a step of ±lr
          optimizer: gd(0.1),
          train,
          validation,
          layout: "rows" as const,
          batchSize: 8,
          epochs: 2,
          seed: 3,
        }));
      const readsBefore = webgpuInfo()?.reads ?? 0;
      const fusedBefore = webgpuInfo()?.fused ?? 0;
      const g = await setBackendAndAsync(gpu, () => fitAsync(options(gpu)));
      const reads = (webgpuInfo()?.reads ?? 0) - readsBefore;
      const fused = (webgpuInfo()?.fused ?? 0) - fusedBefore;
      // 3 dense layers: each forward pass (8 updates, 2 validations) runs its bias and activation in the product's epilogue
      cases.push({ name: `fitAsync on webgpu: ${fused} dense layers ran fused (want 30)`, err: Math.abs(fused - 30), tol: 0 });
      const r = await setBackendAndAsync(reference, () => fitAsync(options(reference)));
      cases.push({ name: `fitAsync on webgpu: stops as the reference (${g.stop.message})`, err: g.stop.reason === r.stop.reason && g.stop.step === r.stop.step && g.stop.step === 8 ? 0 : 1, tol: 0 });
      // per update one read (cost and hits together), per epoch one for the validation set
      cases.push({ name: `fitAsync on webgpu: ${reads} reads for 8 updates and 2 validations (want 10)`, err: Math.abs(reads - 10), tol: 0 });
      const rel = (x: number | undefined, y: number | undefined) => (x === undefined || y === undefined ? (x === y ? 0 : 1) : Math.abs(x - y) / (1 + Math.abs(y)));
      let err = 0;
      g.history.forEach((h, i) => {
        const q = r.history[i];
        err = Math.max(err, rel(h.loss, q?.loss), rel(h.valLoss, q?.valLoss), rel(h.accuracy, q?.accuracy), rel(h.valAccuracy, q?.valAccuracy));
      });
      cases.push({ name: "fitAsync on webgpu: every epoch's loss, accuracy and validation metrics as the reference", err: g.history.length === 2 ? err : 1, tol: 1e-4 });
      let perr = 0;
      for (const [k, t] of Object.entries(g.params)) {
        const p = await toFlatAsync(t as Tensor);
        const q = await toFlatAsync((r.params as Record<string, Tensor>)[k] as Tensor);
        for (let i = 0; i < q.length; i++) perr = Math.max(perr, Math.abs((p[i] as number) - (q[i] as number)) / (1 + Math.abs(q[i] as number)));
      }
      cases.push({ name: "fitAsync on webgpu: the trained parameters as the reference's", err: perr, tol: 1e-4 });
      const ge = await setBackendAndAsync(gpu, () => evaluateAsync(net, g.params, validation, softmaxCrossEntropy, { layout: "rows", chunk: 7 }));
      const re = setBackendAnd(reference, () => evaluate(net, r.params, validation, softmaxCrossEntropy, { layout: "rows", chunk: 7 }));
      cases.push({ name: "evaluateAsync on webgpu (chunks of 7) as evaluate on the reference", err: Math.max(rel(ge.loss, re.loss), rel(ge.accuracy, re.accuracy)), tol: 1e-4 });
      const message = async (f: () => unknown): Promise<string> => {
        try {
          await f();
          return "(no error)";
        } catch (e) {
          return e instanceof Error ? e.message : String(e);
        }
      };
      const mFit = await message(() => setBackendAnd(gpu, () => fitSync(options(gpu))));
      cases.push({ name: `fit on webgpu is refused: ${mFit}`, err: /^fit: .*'webgpu'.*await fitAsync/.test(mFit) ? 0 : 1, tol: 0 });
      const mEval = await message(() => setBackendAnd(gpu, () => evaluate(net, g.params, validation, softmaxCrossEntropy, { layout: "rows" })));
      cases.push({ name: `evaluate on webgpu is refused: ${mEval}`, err: /^evaluate: .*'webgpu'.*await evaluateAsync/.test(mEval) ? 0 : 1, tol: 0 });
    } catch (e) {
      errors.push(`fitAsync: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    }
  });

  // trainStepAsync and the async predictions: as the reference backend, one read each; the synchronous forms name them
  later("trainStepAsync and predictions", async () => {
    try {
      const m = 12;
      const xs = Array.from({ length: m }, () => Array.from({ length: 20 }, () => rand(-1, 1)));
      const ys = Array.from({ length: m }, (_, i) => Array.from({ length: 10 }, (_, k) => (k === (i * 3) % 10 ? 1 : 0)));
      const net = mlp([20, 16, 10], { hidden: "tanh", layout: "rows" });
      const opt = gd(0.5);
      const steps = async (b: Backend) =>
        setBackendAndAsync(b, async () => {
          const X = tensor(xs);
          const Y = tensor(ys);
          let params = net.init(rng(11));
          let state = opt.init(params);
          const losses: number[] = [];
          for (let step = 0; step < 3; step++) {
            const r =
              b === gpu
                ? await trainStepAsync(net, softmaxCrossEntropy, opt, params, state, X, Y, { layout: "rows" })
                : trainStep(net, softmaxCrossEntropy, opt, params, state, X, Y, { layout: "rows" });
            params = r.params;
            state = r.state;
            losses.push(r.loss);
          }
          return { params, losses, X };
        });
      const readsBefore = webgpuInfo()?.reads ?? 0;
      const g = await steps(gpu);
      const reads = (webgpuInfo()?.reads ?? 0) - readsBefore;
      const r = await steps(reference);
      cases.push({ name: `trainStepAsync on webgpu: ${reads} reads for 3 steps (want 3)`, err: Math.abs(reads - 3), tol: 0 });
      cases.push({
        name: "trainStepAsync on webgpu: the 3 losses as trainStep on the reference",
        err: Math.max(...g.losses.map((l, i) => Math.abs(l - (r.losses[i] as number)) / (1 + Math.abs(r.losses[i] as number)))),
        tol: 1e-5,
      });
      let perr = 0;
      for (const [k, t] of Object.entries(g.params)) {
        const p = await toFlatAsync(t as Tensor);
        const q = toFlat((r.params as Record<string, Tensor>)[k] as Tensor);
        for (let i = 0; i < q.length; i++) perr = Math.max(perr, Math.abs((p[i] as number) - (q[i] as number)) / (1 + Math.abs(q[i] as number)));
      }
      cases.push({ name: "trainStepAsync on webgpu: the parameters after 3 steps as the reference's", err: perr, tol: 1e-5 });

      // predict reads nothing: its output stays on the GPU and agrees
      const gOut = setBackendAnd(gpu, () => predict(net, g.params, g.X, { layout: "rows" }));
      const rOut = setBackendAnd(reference, () => predict(net, r.params, r.X, { layout: "rows" }));
      await compare("predict on webgpu: the output (left on the GPU) as the reference's", storageOf(gOut), storageOf(rOut), 1e-5);
      const before = webgpuInfo()?.reads ?? 0;
      const gClasses = await setBackendAndAsync(gpu, () => predictClassesAsync(net, g.params, g.X, { layout: "rows" }));
      const classReads = (webgpuInfo()?.reads ?? 0) - before;
      const rClasses = setBackendAnd(reference, () => predictClasses(net, r.params, r.X, { layout: "rows" }));
      cases.push({
        name: `predictClassesAsync on webgpu: as predictClasses on the reference, in ${classReads} read (want 1)`,
        err: (gClasses.join() === rClasses.join() ? 0 : 1) + Math.abs(classReads - 1),
        tol: 0,
      });
      // the labels rule on the GPU: first index on ties, rows or columns, one output unit against 0 or 0.5
      const labelCases: [string, number[][], { layout?: "rows" | "columns"; outputs?: "logits" | "probabilities" }][] = [
        [
          "columns, ties",
          [
            [1, 0, 3, 2],
            [1, 5, 3, 2],
            [0, 5, 1, 2],
          ],
          {},
        ],
        [
          "rows",
          [
            [0.1, 0.9, 0.3],
            [0.8, 0.1, 0.8],
          ],
          { layout: "rows" },
        ],
        ["one logit", [[-0.5, 2, 0, 0.1]], {}],
        ["one probability", [[0.4, 0.6, 0.5, 0.9]], { outputs: "probabilities" }],
      ];
      for (const [what, values, opts] of labelCases) {
        const got = await predictLabelsAsync(
          setBackendAnd(gpu, () => tensor(values)),
          opts,
        );
        const want = predictLabels(
          setBackendAnd(reference, () => tensor(values)),
          opts,
        );
        cases.push({ name: `predictLabelsAsync on webgpu (${what}): ${JSON.stringify(got)} as predictLabels ${JSON.stringify(want)}`, err: got.join() === want.join() ? 0 : 1, tol: 0 });
      }
      const message = async (f: () => unknown): Promise<string> => {
        try {
          await f();
          return "(no error)";
        } catch (e) {
          return e instanceof Error ? e.message : String(e);
        }
      };
      const mStep = await message(() =>
        setBackendAnd(gpu, () =>
          trainStep(
            net,
            softmaxCrossEntropy,
            opt,
            g.params,
            opt.init(g.params),
            g.X,
            setBackendAnd(gpu, () => tensor(ys)),
            { layout: "rows" },
          ),
        ),
      );
      cases.push({ name: `trainStep on webgpu is refused: ${mStep}`, err: /^trainStep: .*'webgpu'.*await trainStepAsync/.test(mStep) ? 0 : 1, tol: 0 });
      const mClasses = await message(() => setBackendAnd(gpu, () => predictClasses(net, g.params, g.X, { layout: "rows" })));
      cases.push({ name: `predictClasses on webgpu is refused: ${mClasses}`, err: /^predictClasses: .*'webgpu'.*await predictClassesAsync/.test(mClasses) ? 0 : 1, tol: 0 });
      const mLabels = await message(() => predictLabels(gOut, { layout: "rows" }));
      cases.push({ name: `predictLabels on webgpu is refused: ${mLabels}`, err: /^predictLabels: .*'webgpu'.*await predictLabelsAsync/.test(mLabels) ? 0 : 1, tol: 0 });
    } catch (e) {
      errors.push(`trainStepAsync and predictions: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    }
  });

  // last: a lost device (a driver reset; here destroyed) is a clear error, and ready("webgpu")
  // starts clean on a new one: the old device's pipelines, pooled buffers and cached scalars are gone
  later("device lost, then ready again", async () => {
    try {
      const add1 = async (): Promise<number[]> => Array.from(await toFlatAsync(setBackendAnd(gpu, () => add(tensor([1, 2]), 0.25))));
      const first = await add1();
      await webgpuInternals.loseDevice();
      let lost = "(no error)";
      try {
        gpu.fill("float32", 1, 0.25);
      } catch (e) {
        lost = e instanceof Error ? e.message : String(e);
      }
      cases.push({
        name: `after the device is lost, a kernel is refused: ${lost}`,
        err: /^webgpu backend: the GPU device was lost \(.*\); call 'await ready\("webgpu"\)' again$/.test(lost) ? 0 : 1,
        tol: 0,
      });
      await ready("webgpu");
      setBackend(reference);
      const again = await add1();
      cases.push({
        name: `ready("webgpu") after a lost device: the same add with a cached scalar and a compiled kernel runs on the new one (${JSON.stringify(again)})`,
        err: first.join() === "1.25,2.25" && again.join() === "1.25,2.25" ? 0 : 1,
        tol: 0,
      });
    } catch (e) {
      errors.push(`device lost: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    }
  });

  const until = Number(trace?.env?.TYPEGRAD_WEBGPU_UNTIL ?? todo.length);
  for (let i = from; i < Math.min(until, todo.length); i++) {
    const t = todo[i] as { name: string; go: () => Promise<void> };
    if (trace?.env?.TYPEGRAD_WEBGPU_TRACE === "1") trace.stderr?.write(`${(performance.now() / 1000).toFixed(1)} ${i} ${t.name}\n`);
    const [nc, ne] = [cases.length, errors.length];
    await t.go();
    for (const c of cases.slice(nc)) emit(i, c);
    for (const e of errors.slice(ne)) emit(i, e);
    emit(i, "done");
  }
  return { adapter: `${info?.adapter.vendor} ${info?.adapter.architecture} ${info?.adapter.device}`.trim(), cases, errors };
};

const setBackendAnd = <T>(b: Backend, f: () => T): T => {
  const prev = setBackend(b);
  try {
    return f();
  } finally {
    setBackend(prev);
  }
};

const setBackendAndAsync = async <T>(b: Backend, f: () => Promise<T>): Promise<T> => {
  const prev = setBackend(b);
  try {
    return await f();
  } finally {
    setBackend(prev);
  }
};

export { webgpu };
