// The typegrad WASM SIMD kernels. Memory is imported (env.memory) and owned by the TS glue in
// ../index.ts, which allocates every buffer; nothing here allocates.
export { gemm, SCRATCH } from "./gemm";
export { unary, binary, where, cast, sgdUpdate, allFinite, logLossGrad } from "./elementwise";
export { reduce, argmax } from "./reduce";
export { softmax, softmaxXentGrad } from "./softmax";
export { broadcast, gather, transpose, copyRows, zero } from "./layout";
export { im2col, col2im, conv2d, convScratch } from "./conv";

/** 1 in the relaxed-SIMD build (fused multiply-adds in gemm), 0 in the plain one. */
export const RELAXED_SIMD: i32 = ASC_FEATURE_RELAXED_SIMD ? 1 : 0;

/** First byte the glue may use (after static data). */
export function heapBase(): usize {
  return (__heap_base + 63) & ~63;
}
