// Packed, cache-blocked matrix product C = op(A)·op(B) (GotoBLAS loop order), generic over
// T ∈ {f32, f64}. op(A) is A or Aᵀ (transA: A stored [K, M]), likewise B, so backward passes
// never materialise a transpose: transposition happens while packing.
//
// Micro-kernel: MR = 4 rows × NR = 2 vectors (8 float32 or 4 float64 columns), 8 accumulator
// registers, one broadcast load of A and two vector loads of B per k.
// Blocks: KC = 256 (a B micro-panel, KC × NR, stays in L1), MC = 96 (an A block in L2),
// NC = 512 float32 / 256 float64 columns (a 512 KB packed B block).
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
      const r1 = valid > 1 ? r0 + lda * sz : r0;
      const r2 = valid > 2 ? r0 + 2 * lda * sz : r0;
      const r3 = valid > 3 ? r0 + 3 * lda * sz : r0;
      const z1: T = valid > 1 ? <T>1 : <T>0;
      const z2: T = valid > 2 ? <T>1 : <T>0;
      const z3: T = valid > 3 ? <T>1 : <T>0;
      for (let k = 0; k < kc; k++) {
        const off = <usize>k * sz;
        store<T>(dst, load<T>(r0 + off));
        store<T>(dst + sz, z1 == <T>0 ? <T>0 : load<T>(r1 + off));
        store<T>(dst + 2 * sz, z2 == <T>0 ? <T>0 : load<T>(r2 + off));
        store<T>(dst + 3 * sz, z3 == <T>0 ? <T>0 : load<T>(r3 + off));
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
      for (let k = 0; k < kc; k++) {
        const col = base + <usize>k * sz;
        for (let c = 0; c < NR; c++) store<T>(dst + <usize>c * sz, c < valid ? load<T>(col + <usize>c * ldb * sz) : <T>0);
        dst += 32;
      }
    }
  }
}

/** C[4 × NR] (=, or += unless first) A-panel · B-panel over kc. ldc in bytes. */
@inline function micro<T>(kc: i32, ap: usize, bp: usize, c: usize, ldc: usize, first: bool): void {
  const sz = sizeof<T>();
  let c00 = v128.splat<T>(<T>0), c01 = v128.splat<T>(<T>0);
  let c10 = v128.splat<T>(<T>0), c11 = v128.splat<T>(<T>0);
  let c20 = v128.splat<T>(<T>0), c21 = v128.splat<T>(<T>0);
  let c30 = v128.splat<T>(<T>0), c31 = v128.splat<T>(<T>0);
  const end = bp + <usize>kc * 32;
  while (bp < end) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let a = v128.load_splat<T>(ap);
    c00 = v128.add<T>(c00, v128.mul<T>(a, b0));
    c01 = v128.add<T>(c01, v128.mul<T>(a, b1));
    a = v128.load_splat<T>(ap + sz);
    c10 = v128.add<T>(c10, v128.mul<T>(a, b0));
    c11 = v128.add<T>(c11, v128.mul<T>(a, b1));
    a = v128.load_splat<T>(ap + 2 * sz);
    c20 = v128.add<T>(c20, v128.mul<T>(a, b0));
    c21 = v128.add<T>(c21, v128.mul<T>(a, b1));
    a = v128.load_splat<T>(ap + 3 * sz);
    c30 = v128.add<T>(c30, v128.mul<T>(a, b0));
    c31 = v128.add<T>(c31, v128.mul<T>(a, b1));
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
  const ap = scratch;
  const bp = scratch + A_BYTES;
  const tile = bp + B_BYTES;
  for (let jc = 0; jc < N; jc += NC) {
    const nc = min(NC, N - jc);
    for (let pc = 0; pc < K; pc += KC) {
      const kc = min(KC, K - pc);
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
