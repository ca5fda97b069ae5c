/** The workloads every implementation runs, with their sizes and FLOP counts. */

export interface MatmulCase {
  readonly name: string;
  readonly M: number;
  readonly K: number;
  readonly N: number;
}

export const MATMULS: readonly MatmulCase[] = [
  { name: "matmul f32 128", M: 128, K: 128, N: 128 },
  { name: "matmul f32 256", M: 256, K: 256, N: 256 },
  { name: "matmul f32 512", M: 512, K: 512, N: 512 },
  { name: "matmul f32 1024", M: 1024, K: 1024, N: 1024 },
  { name: "matmul f32 128x784x128", M: 128, K: 784, N: 128 },
];

export const SIGMOID = { name: "sigmoid 1e6", n: 1_000_000 };
/** Unary elementwise rows over the same 1e6 values (the sigmoid row first). */
export const UNARIES = [
  { name: SIGMOID.name, op: "sigmoid" },
  { name: "tanh 1e6", op: "tanh" },
  { name: "exp 1e6", op: "exp" },
  { name: "relu 1e6", op: "relu" },
] as const;
export type UnaryName = (typeof UNARIES)[number]["op"];
export const BIAS = { name: "bias add 128x4096", rows: 128, cols: 4096 };

/**
 * The row of workload `w` in the form that drops typegrad's result (nothing disposed, no scope):
 * typegrad only, set beside the scoped form and the peers' rows in a table of its own.
 */
export const dropped = (w: string): string => `${w}, result dropped`;
export const isDropped = (w: string): boolean => w.endsWith(", result dropped");

/**
 * Reductions: over every element of a 1e6 vector, along the rows of a 128×4096 matrix, and a
 * softmax over the 1000 classes of a 128×1000 batch (its last axis).
 */
export const REDUCE = {
  sum: { name: "sum 1e6", n: 1_000_000 },
  mean: { name: "mean 1e6", n: 1_000_000 },
  rows: { name: "row sum 128x4096", rows: 128, cols: 4096 },
  softmax: { name: "softmax 128x1000", rows: 128, cols: 1000 },
} as const;
/** An MLP train step: relu hidden layers, softmax cross-entropy, SGD. */
export interface MlpCase {
  readonly name: string;
  readonly sizes: readonly [number, number, number, number];
  readonly batch: number;
  readonly lr: number;
}

export const MLP: MlpCase = { name: "MLP train step 784-128-64-10 b128", sizes: [784, 128, 64, 10], batch: 128, lr: 0.01 };
/** Where compute dominates, not overheads. */
export const MLP_BIG: MlpCase = { name: "MLP train step 784-1024-1024-10 b256", sizes: [784, 1024, 1024, 10], batch: 256, lr: 0.01 };

/** The time-to-peak row: the first 20 steps of MLP in a fresh process. */
export const COLD = "cold: first 20 MLP steps (784-128-64-10 b128)";

/** FLOPs of a workload (for GFLOP/s), when meaningful. */
export const flops = (workload: string): number | undefined => {
  const m = MATMULS.find((c) => c.name === workload);
  return m === undefined ? undefined : 2 * m.M * m.K * m.N;
};

/** Deterministic pseudo-random data in [-1, 1). */
export const data = (n: number, seed: number): Float32Array => {
  let s = seed >>> 0 || 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = (s >>> 0) / 2 ** 31 - 1;
  }
  return out;
};

/** One-hot labels [batch, classes]. */
export const oneHot = (batch: number, classes: number, seed: number): Float32Array => {
  const y = new Float32Array(batch * classes);
  const r = data(batch, seed);
  for (let i = 0; i < batch; i++) y[i * classes + (Math.floor(((r[i] as number) + 1) * 0.5 * classes) % classes)] = 1;
  return y;
};

/** LeNet-style train step (the `npm run cnn` network: 6c5 same, pool 2, 16c5, pool 2, 120, 84, 10), SGD, batch 64. */
export const LENET = { name: "LeNet train step b64", batch: 64, lr: 0.01 };

/** A convolution forward pass: NHWC `[batch, size, size, cin]` → `cout` channels, a k×k kernel, stride 1. */
export interface ConvCase {
  readonly name: string;
  readonly batch: number;
  readonly size: number;
  readonly cin: number;
  readonly cout: number;
  readonly k: number;
  readonly padding: "same" | "valid";
}

/** A 3×3 convolution forward pass, NHWC `[32, 28, 28, 16]` → 16 channels, `"same"` padding. */
export const CONV3: ConvCase = { name: "conv2d 3x3 fwd [32,28,28,16]→16", batch: 32, size: 28, cin: 16, cout: 16, k: 3, padding: "same" };

/** The convolution rows of `bench:cnn`: CONV3, the `npm run cnn` first layer (5×5, one channel), a deeper 3×3. */
export const CONVS: readonly ConvCase[] = [
  CONV3,
  { name: "conv2d 5x5 fwd [64,28,28,1]→16 (npm run cnn layer 1)", batch: 64, size: 28, cin: 1, cout: 16, k: 5, padding: "same" },
  { name: "conv2d 3x3 fwd [32,14,14,32]→32", batch: 32, size: 14, cin: 32, cout: 32, k: 3, padding: "same" },
];

/** FLOPs of a convolution case (2 per multiply-add). */
export const convFlops = (c: ConvCase = CONV3): number => {
  const out = c.padding === "same" ? c.size : c.size - c.k + 1;
  return 2 * c.batch * out * out * c.cout * c.k * c.k * c.cin;
};
