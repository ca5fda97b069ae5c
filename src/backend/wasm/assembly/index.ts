// The typegrad WASM SIMD kernels. Memory is imported (env.memory) and owned by the TS glue in
// ../index.ts, which allocates every buffer; nothing here allocates.
export { gemm, SCRATCH } from "./gemm";
export { unary, binary, where, cast } from "./elementwise";
export { reduce, argmax } from "./reduce";
export { softmax } from "./softmax";
export { broadcast, gather, transpose, copyRows, zero } from "./layout";

/** First byte the glue may use (after static data). */
export function heapBase(): usize {
  return (__heap_base + 63) & ~63;
}
