// Packed, cache-blocked matrix product C = op(A)·op(B) (GotoBLAS loop order), generic over
// T ∈ {f32, f64}. op(A) is A or Aᵀ (transA: A stored [K, M]), likewise B, so backward passes
// never materialise a transpose: transposition happens while packing.
//
// Micro-kernel: MR = 4 rows × NR = 2 vectors (8 float32 or 4 float64 columns): 8 accumulators,
// per k two B vector loads and four A broadcast loads, all addressed through the loads' offset
// immediates (V8 otherwise spends an lea per broadcast). 4×8 is the largest tile that fits V8's
// 15 allocatable xmm registers: TurboFan issues all of an iteration's loads before its arithmetic,
// so registers = accumulators + loads + 1 temporary (8 + 6 + 1). 6×8, 5×8, 3×12, 2×16 and k-unrolled
// 4×8 variants all spilled and ran at 0.45–0.7× (measured on Zen 4, Node 20).
// Packing: float32 A (not transposed) and float32 Bᵀ are packed four k at a time through 4×4
// register transposes instead of scalar gathers; K is cut into equal chunks of at most KC.
// Blocks: KC = 256 (a B micro-panel, KC × NR, stays in L1), MC = 96 (an A block in L2),
// NC = 512 float32 / 256 float64 columns (a 512 KB packed B block); KC 256–800 and MC 64–128
// measured within ±1%.
// Same-run, one thread, f32 GF/s before → after: 128×128×784 40.3 → 44.4, transA 784×128×128
// 43.5 → 44.7, transB 128×784×128 37.4 → 44.8, 128×64×128 37.2 → 44.4, transB 128×128×64
// 35.1 → 44.2, 1024² 42.4 → 44.6; f64 1024² 20.6 → 21.8.
//
// A caller splitting the work over threads passes sub-matrices (pointer offsets, same leading
// dimensions) and a scratch area of SCRATCH bytes per thread.

const MR = 4;
const KC = 256;
const MC = 96;
const A_BYTES: usize = <usize>MC * <usize>KC * 8;
const B_BYTES: usize = 512 * 1024;
const TILE_BYTES: usize = 256;

/** Bytes of scratch one gemm call needs. */
export const SCRATCH: usize = A_BYTES + B_BYTES + TILE_BYTES;

/** Transposes the 4×4 float32 block held in r0..r3 (rows) and stores its columns at dst, dst+step, … */
@inline function storeTransposed4(dst: usize, step: usize, r0: v128, r1: v128, r2: v128, r3: v128): void {
  const t0 = v128.shuffle<i32>(r0, r1, 0, 4, 1, 5);
  const t1 = v128.shuffle<i32>(r0, r1, 2, 6, 3, 7);
  const t2 = v128.shuffle<i32>(r2, r3, 0, 4, 1, 5);
  const t3 = v128.shuffle<i32>(r2, r3, 2, 6, 3, 7);
  v128.store(dst, v128.shuffle<i64>(t0, t2, 0, 2));
  v128.store(dst + step, v128.shuffle<i64>(t0, t2, 1, 3));
  v128.store(dst + 2 * step, v128.shuffle<i64>(t1, t3, 0, 2));
  v128.store(dst + 3 * step, v128.shuffle<i64>(t1, t3, 1, 3));
}

@inline function packA<T>(a: usize, lda: usize, transA: bool, ic: i32, mc: i32, pc: i32, kc: i32, ap: usize): void {
  const sz = sizeof<T>();
  for (let ir = 0; ir < mc; ir += MR) {
    let dst = ap + <usize>ir * <usize>kc * sz;
    const valid = min(MR, mc - ir);
    const i0 = <usize>(ic + ir);
    if (transA) {
      let src = a + (<usize>pc * lda + i0) * sz;
      const step = lda * sz;
      if (valid == MR) {
        for (let k = 0; k < kc; k++) {
          v128.store(dst, v128.load(src));
          if (sz == 8) v128.store(dst, v128.load(src, 16), 16);
          dst += <usize>MR * sz;
          src += step;
        }
      } else {
        for (let k = 0; k < kc; k++) {
          for (let r = 0; r < MR; r++) store<T>(dst + <usize>r * sz, r < valid ? load<T>(src + <usize>r * sz) : <T>0);
          dst += <usize>MR * sz;
          src += step;
        }
      }
    } else {
      const r0 = a + (i0 * lda + <usize>pc) * sz;
      let k = 0;
      if (sz == 4 && valid == MR) {
        // four k at a time: one vector from each row, transposed
        const row = lda * sz;
        for (; k + 4 <= kc; k += 4) {
          const s = r0 + <usize>k * sz;
          storeTransposed4(dst, 16, v128.load(s), v128.load(s + row), v128.load(s + 2 * row), v128.load(s + 3 * row));
          dst += 64;
        }
      }
      for (; k < kc; k++) {
        const s = r0 + <usize>k * sz;
        for (let r = 0; r < MR; r++) store<T>(dst + <usize>r * sz, r < valid ? load<T>(s + <usize>r * lda * sz) : <T>0);
        dst += <usize>MR * sz;
      }
    }
  }
}

@inline function packB<T>(b: usize, ldb: usize, transB: bool, pc: i32, kc: i32, jc: i32, nc: i32, bp: usize): void {
  const sz = sizeof<T>();
  const NR = <i32>(32 / <i32>sz);
  for (let jr = 0; jr < nc; jr += NR) {
    let dst = bp + <usize>jr * <usize>kc * sz;
    const valid = min(NR, nc - jr);
    const j0 = <usize>(jc + jr);
    if (!transB) {
      let src = b + (<usize>pc * ldb + j0) * sz;
      const step = ldb * sz;
      if (valid == NR) {
        for (let k = 0; k < kc; k++) {
          v128.store(dst, v128.load(src));
          v128.store(dst, v128.load(src, 16), 16);
          dst += 32;
          src += step;
        }
      } else {
        for (let k = 0; k < kc; k++) {
          for (let c = 0; c < NR; c++) store<T>(dst + <usize>c * sz, c < valid ? load<T>(src + <usize>c * sz) : <T>0);
          dst += 32;
          src += step;
        }
      }
    } else {
      const base = b + (j0 * ldb + <usize>pc) * sz;
      let k = 0;
      if (sz == 4 && valid == NR) {
        // four k at a time: one vector from each of the 8 stored rows, two 4×4 transposes
        const row = ldb * sz;
        for (; k + 4 <= kc; k += 4) {
          const s = base + <usize>k * sz;
          storeTransposed4(dst, 32, v128.load(s), v128.load(s + row), v128.load(s + 2 * row), v128.load(s + 3 * row));
          const s4 = s + 4 * row;
          storeTransposed4(dst + 16, 32, v128.load(s4), v128.load(s4 + row), v128.load(s4 + 2 * row), v128.load(s4 + 3 * row));
          dst += 128;
        }
      }
      for (; k < kc; k++) {
        const col = base + <usize>k * sz;
        for (let c = 0; c < NR; c++) store<T>(dst + <usize>c * sz, c < valid ? load<T>(col + <usize>c * ldb * sz) : <T>0);
        dst += 32;
      }
    }
  }
}

/**
 * acc + a·b. The relaxed-SIMD build (typegrad-relaxed*.wasm) uses `relaxed_madd`, a fused
 * multiply-add where the hardware has one (rounded once instead of twice; measured +15% GF/s
 * on every workload shape, same run); the plain build a multiply and an add.
 */
@inline export function madd<T>(acc: v128, a: v128, b: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return sizeof<T>() == 4 ? f32x4.relaxed_madd(a, b, acc) : f64x2.relaxed_madd(a, b, acc);
  return v128.add<T>(acc, v128.mul<T>(a, b));
}

/** C[4 × NR] (=, or += unless first) A-panel · B-panel over kc. ldc in bytes. */
@inline function micro<T>(kc: i32, ap: usize, bp: usize, c: usize, ldc: usize, first: bool): void {
  const sz = sizeof<T>();
  const zero = v128.splat<T>(<T>0);
  let c00 = zero, c01 = zero, c10 = zero, c11 = zero;
  let c20 = zero, c21 = zero, c30 = zero, c31 = zero;
  const end = bp + <usize>kc * 32;
  while (bp < end) {
    // constant offsets go in the instructions' offset immediates: no address arithmetic per load
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let a = v128.load_splat<T>(ap);
    c00 = madd<T>(c00, a, b0);
    c01 = madd<T>(c01, a, b1);
    a = v128.load_splat<T>(ap, sz);
    c10 = madd<T>(c10, a, b0);
    c11 = madd<T>(c11, a, b1);
    a = v128.load_splat<T>(ap, 2 * sz);
    c20 = madd<T>(c20, a, b0);
    c21 = madd<T>(c21, a, b1);
    a = v128.load_splat<T>(ap, 3 * sz);
    c30 = madd<T>(c30, a, b0);
    c31 = madd<T>(c31, a, b1);
    ap += 4 * sz;
    bp += 32;
  }
  if (!first) {
    c00 = v128.add<T>(c00, v128.load(c));
    c01 = v128.add<T>(c01, v128.load(c, 16));
    c10 = v128.add<T>(c10, v128.load(c + ldc));
    c11 = v128.add<T>(c11, v128.load(c + ldc, 16));
    c20 = v128.add<T>(c20, v128.load(c + 2 * ldc));
    c21 = v128.add<T>(c21, v128.load(c + 2 * ldc, 16));
    c30 = v128.add<T>(c30, v128.load(c + 3 * ldc));
    c31 = v128.add<T>(c31, v128.load(c + 3 * ldc, 16));
  }
  v128.store(c, c00);
  v128.store(c, c01, 16);
  v128.store(c + ldc, c10);
  v128.store(c + ldc, c11, 16);
  v128.store(c + 2 * ldc, c20);
  v128.store(c + 2 * ldc, c21, 16);
  v128.store(c + 3 * ldc, c30);
  v128.store(c + 3 * ldc, c31, 16);
}

function gemmT<T>(transA: bool, transB: bool, M: i32, N: i32, K: i32, a: usize, lda: usize, b: usize, ldb: usize, c: usize, ldc: usize, scratch: usize): void {
  const sz = sizeof<T>();
  const NR = <i32>(32 / <i32>sz);
  const NC = sz == 4 ? 512 : 256;
  const ldcB = ldc * sz;
  if (K == 0) {
    for (let i = 0; i < M; i++) memory.fill(c + <usize>i * ldcB, 0, <usize>N * sz);
    return;
  }
  // K in equal chunks of at most KC (784 = 4 × 196, not 3 × 256 + 16)
  const chunks = (K + KC - 1) / KC;
  const kcStep = (K + chunks - 1) / chunks;
  const ap = scratch;
  const bp = scratch + A_BYTES;
  const tile = bp + B_BYTES;
  for (let jc = 0; jc < N; jc += NC) {
    const nc = min(NC, N - jc);
    for (let pc = 0; pc < K; pc += kcStep) {
      const kc = min(kcStep, K - pc);
      const first = pc == 0;
      packB<T>(b, ldb, transB, pc, kc, jc, nc, bp);
      for (let ic = 0; ic < M; ic += MC) {
        const mc = min(MC, M - ic);
        packA<T>(a, lda, transA, ic, mc, pc, kc, ap);
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = min(NR, nc - jr);
          const bpanel = bp + <usize>jr * <usize>kc * sz;
          for (let ir = 0; ir < mc; ir += MR) {
            const mr = min(MR, mc - ir);
            const apanel = ap + <usize>ir * <usize>kc * sz;
            const cp = c + (<usize>(ic + ir) * ldc + <usize>(jc + jr)) * sz;
            if (mr == MR && nr == NR) {
              micro<T>(kc, apanel, bpanel, cp, ldcB, first);
            } else {
              micro<T>(kc, apanel, bpanel, tile, 32, true);
              for (let r = 0; r < mr; r++) {
                for (let q = 0; q < nr; q++) {
                  const dst = cp + <usize>r * ldcB + <usize>q * sz;
                  const v = load<T>(tile + <usize>(r * NR + q) * sz);
                  store<T>(dst, first ? v : load<T>(dst) + v);
                }
              }
            }
          }
        }
      }
    }
  }
}

/**
 * C = op(A)·op(B), C is M×N with row stride ldc (elements); op(A) is M×K (A stored [M, lda] or,
 * with transA, [K, lda]); op(B) is K×N (B stored [K, ldb] or, with transB, [N, ldb]).
 * dt: 0 float32, 1 float64.
 */
export function gemm(dt: i32, transA: i32, transB: i32, M: i32, N: i32, K: i32, a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32, scratch: usize): void {
  if (dt == 0) gemmT<f32>(transA != 0, transB != 0, M, N, K, a, <usize>lda, b, <usize>ldb, c, <usize>ldc, scratch);
  else gemmT<f64>(transA != 0, transB != 0, M, N, K, a, <usize>lda, b, <usize>ldb, c, <usize>ldc, scratch);
}
