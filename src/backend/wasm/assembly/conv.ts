// Convolution data movement, images NHWC: im2col (the windows of an image as rows, so a
// convolution is one gemm) and col2im, its transpose (window rows added back into the image),
// which carries the input cotangent of a convolution and the transposed convolution's forward.
// A window tap reads C contiguous channels: copies and adds run over those runs with v128.

import { madd } from "./gemm";

/** Geometry words at `g` (i32): m, H, W, C, kh, kw, sh, sw, dh, dw, padTop, padLeft, outH, outW. */
function im2colT<T>(x: usize, o: usize, g: usize, padValue: T, n0: i32, n1: i32): void {
  const H = load<i32>(g, 4), W = load<i32>(g, 8), C = load<i32>(g, 12);
  const kh = load<i32>(g, 16), kw = load<i32>(g, 20), sh = load<i32>(g, 24), sw = load<i32>(g, 28);
  const dh = load<i32>(g, 32), dw = load<i32>(g, 36), pt = load<i32>(g, 40), pl = load<i32>(g, 44);
  const oh = load<i32>(g, 48), ow = load<i32>(g, 52);
  const sz = sizeof<T>();
  const run = <usize>C * sz;
  const L = <i32>(16 / <i32>sz);
  const pv = v128.splat<T>(padValue);
  let po = o + <usize>n0 * <usize>oh * <usize>ow * <usize>kh * <usize>kw * run;
  for (let n = n0; n < n1; n++) {
    const img = x + <usize>n * <usize>H * <usize>W * run;
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        for (let p = 0; p < kh; p++) {
          const h = i * sh + p * dh - pt;
          const rowIn = h >= 0 && h < H;
          for (let q = 0; q < kw; q++) {
            const w = j * sw + q * dw - pl;
            if (rowIn && w >= 0 && w < W) {
              const src = img + (<usize>h * <usize>W + <usize>w) * run;
              if (C == 1) store<T>(po, load<T>(src));
              else memory.copy(po, src, run);
            } else {
              let c = 0;
              for (; c + L <= C; c += L) v128.store(po + <usize>c * sz, pv);
              for (; c < C; c++) store<T>(po + <usize>c * sz, padValue);
            }
            po += run;
          }
        }
      }
    }
  }
}

function col2imT<T>(cols: usize, o: usize, g: usize, n0: i32, n1: i32): void {
  const H = load<i32>(g, 4), W = load<i32>(g, 8), C = load<i32>(g, 12);
  const kh = load<i32>(g, 16), kw = load<i32>(g, 20), sh = load<i32>(g, 24), sw = load<i32>(g, 28);
  const dh = load<i32>(g, 32), dw = load<i32>(g, 36), pt = load<i32>(g, 40), pl = load<i32>(g, 44);
  const oh = load<i32>(g, 48), ow = load<i32>(g, 52);
  const sz = sizeof<T>();
  const run = <usize>C * sz;
  const L = <i32>(16 / <i32>sz);
  memory.fill(o + <usize>n0 * <usize>H * <usize>W * run, 0, <usize>(n1 - n0) * <usize>H * <usize>W * run);
  let pc = cols + <usize>n0 * <usize>oh * <usize>ow * <usize>kh * <usize>kw * run;
  for (let n = n0; n < n1; n++) {
    const img = o + <usize>n * <usize>H * <usize>W * run;
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        for (let p = 0; p < kh; p++) {
          const h = i * sh + p * dh - pt;
          const rowIn = h >= 0 && h < H;
          for (let q = 0; q < kw; q++) {
            const w = j * sw + q * dw - pl;
            if (rowIn && w >= 0 && w < W) {
              const dst = img + (<usize>h * <usize>W + <usize>w) * run;
              let c = 0;
              for (; c + L <= C; c += L) {
                const at = <usize>c * sz;
                if (sz == 4) v128.store(dst + at, f32x4.add(v128.load(dst + at), v128.load(pc + at)));
                else v128.store(dst + at, f64x2.add(v128.load(dst + at), v128.load(pc + at)));
              }
              for (; c < C; c++) {
                const at = <usize>c * sz;
                store<T>(dst + at, load<T>(dst + at) + load<T>(pc + at));
              }
            }
            pc += run;
          }
        }
      }
    }
  }
}

/**
 * out = the windows of the NHWC image x as rows ([m, outH, outW, kh, kw, C]) for examples
 * n0 … n1 − 1 (a thread's share); cells outside the image read `padValue`.
 */
export function im2col(dt: i32, x: usize, o: usize, g: usize, padValue: f64, n0: i32, n1: i32): void {
  if (dt == 0) im2colT<f32>(x, o, g, <f32>padValue, n0, n1);
  else im2colT<f64>(x, o, g, padValue, n0, n1);
}

/** out (the NHWC image) = Σ of the window rows `cols` over the cells they were read from, examples n0 … n1 − 1. */
export function col2im(dt: i32, cols: usize, o: usize, g: usize, n0: i32, n1: i32): void {
  if (dt == 0) col2imT<f32>(cols, o, g, n0, n1);
  else col2imT<f64>(cols, o, g, n0, n1);
}

// -------------------------------------------------------------------------------------
// direct convolution
// -------------------------------------------------------------------------------------
// out[n, i, j, f] = Σ_{a, b, c} x[n, i·sh + a·dh − pt, j·sw + b·dw − pl, g·ci + c] · w[a, b, c, f]
// with no window buffer. A block of 4 output pixels of one output row × 2 vectors of output
// channels (8 float32 or 4 float64) keeps its 8 accumulators in registers over every tap and
// input channel, as the gemm's 4 × 8 micro-tile (the largest that fits V8's xmm registers). Per
// step: two loads of a packed kernel row, four broadcasts of the pixels' inputs, eight
// multiply-adds.
// - The kernel of each group is packed first (into the caller's scratch) as panels of 8 (4)
//   output channels, [tap, c] rows contiguous and the channel tail zero-padded, so a block streams
//   one small panel from L1 (the kernel as stored strides F channels per row).
// - A pixel whose tap falls in the padding reads a row of zeros instead (a pointer switch per
//   tap, no branch in the inner loop); a tap row wholly outside the image is skipped. With
//   dilation 1 along the width, a window row lying inside the image for all 4 pixels is one run of
//   kw·ci inputs, matching kw·ci consecutive kernel rows: one inner loop instead of kw.
// - Every output element is summed over taps and channels in the same order wherever it lies, so
//   splitting output rows over threads gives the same bytes.

let gH: i32 = 0, gW: i32 = 0, gkh: i32 = 0, gkw: i32 = 0, gsh: i32 = 0, gsw: i32 = 0;
let gdh: i32 = 0, gdw: i32 = 0, gpt: i32 = 0, gpl: i32 = 0, gci: i32 = 0;
/** Whether a window row can be one run of inputs: dilation 1 along the width, one group. */
let gRuns: bool = false;
/** Bytes of one input pixel (C channels) and of one input row. */
let gPix: usize = 0, gRow: usize = 0;

/** The input of output pixel j at tap column offset wc (= b·dw − pl), or the zero row. */
@inline function pixel(row: usize, j: i32, wc: i32, zero: usize, valid: bool): usize {
  const w = j * gsw + wc;
  return valid && w >= 0 && w < gW ? row + <usize>w * gPix : zero;
}

/** Whether every tap of a window row of output pixels j0 … j0 + np − 1 lies inside the image (and runs are allowed). */
@inline function contiguous(j0: i32, np: i32): bool {
  return gRuns && j0 * gsw - gpl >= 0 && (j0 + np - 1) * gsw - gpl + gkw <= gW;
}

/** Output pixels j0 … j0 + np − 1 (np ≤ 4) of output row i × a panel two vectors wide; `width` bytes stored per pixel. */
function block2<T>(xg: usize, i: i32, j0: i32, np: i32, panel: usize, out: usize, oStep: usize, zero: usize, tile: usize, width: usize): void {
  const sz = sizeof<T>();
  const z = v128.splat<T>(<T>0);
  let c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z;
  const run = contiguous(j0, np);
  const taps = run ? 1 : gkw;
  const len = <usize>(run ? gkw * gci : gci) * 32;
  for (let a = 0; a < gkh; a++) {
    const h = i * gsh + a * gdh - gpt;
    if (h < 0 || h >= gH) continue;
    const row = xg + <usize>h * gRow;
    for (let b = 0; b < taps; b++) {
      const wc = b * gdw - gpl;
      let p0 = pixel(row, j0, wc, zero, true);
      let p1 = pixel(row, j0 + 1, wc, zero, np > 1);
      let p2 = pixel(row, j0 + 2, wc, zero, np > 2);
      let p3 = pixel(row, j0 + 3, wc, zero, np > 3);
      let wp = panel + <usize>((a * gkw + b) * gci) * 32;
      const end = wp + len;
      while (wp < end) {
        const b0 = v128.load(wp);
        const b1 = v128.load(wp, 16);
        let v = v128.load_splat<T>(p0);
        c00 = madd<T>(c00, v, b0);
        c01 = madd<T>(c01, v, b1);
        v = v128.load_splat<T>(p1);
        c10 = madd<T>(c10, v, b0);
        c11 = madd<T>(c11, v, b1);
        v = v128.load_splat<T>(p2);
        c20 = madd<T>(c20, v, b0);
        c21 = madd<T>(c21, v, b1);
        v = v128.load_splat<T>(p3);
        c30 = madd<T>(c30, v, b0);
        c31 = madd<T>(c31, v, b1);
        p0 += sz;
        p1 += sz;
        p2 += sz;
        p3 += sz;
        wp += 32;
      }
    }
  }
  const full = np == 4 && width == 32;
  const d = full ? out : tile;
  const step = full ? oStep : 32;
  v128.store(d, c00);
  v128.store(d, c01, 16);
  v128.store(d + step, c10);
  v128.store(d + step, c11, 16);
  v128.store(d + 2 * step, c20);
  v128.store(d + 2 * step, c21, 16);
  v128.store(d + 3 * step, c30);
  v128.store(d + 3 * step, c31, 16);
  if (!full) for (let p = 0; p < np; p++) memory.copy(out + <usize>p * oStep, tile + <usize>p * 32, width);
}

/** As block2 with a panel one vector wide. */
function block1<T>(xg: usize, i: i32, j0: i32, np: i32, panel: usize, out: usize, oStep: usize, zero: usize, tile: usize, width: usize): void {
  const sz = sizeof<T>();
  const z = v128.splat<T>(<T>0);
  let c0 = z, c1 = z, c2 = z, c3 = z;
  const run = contiguous(j0, np);
  const taps = run ? 1 : gkw;
  const len = <usize>(run ? gkw * gci : gci) * 16;
  for (let a = 0; a < gkh; a++) {
    const h = i * gsh + a * gdh - gpt;
    if (h < 0 || h >= gH) continue;
    const row = xg + <usize>h * gRow;
    for (let b = 0; b < taps; b++) {
      const wc = b * gdw - gpl;
      let p0 = pixel(row, j0, wc, zero, true);
      let p1 = pixel(row, j0 + 1, wc, zero, np > 1);
      let p2 = pixel(row, j0 + 2, wc, zero, np > 2);
      let p3 = pixel(row, j0 + 3, wc, zero, np > 3);
      let wp = panel + <usize>((a * gkw + b) * gci) * 16;
      const end = wp + len;
      while (wp < end) {
        const b0 = v128.load(wp);
        c0 = madd<T>(c0, v128.load_splat<T>(p0), b0);
        c1 = madd<T>(c1, v128.load_splat<T>(p1), b0);
        c2 = madd<T>(c2, v128.load_splat<T>(p2), b0);
        c3 = madd<T>(c3, v128.load_splat<T>(p3), b0);
        p0 += sz;
        p1 += sz;
        p2 += sz;
        p3 += sz;
        wp += 16;
      }
    }
  }
  const full = np == 4 && width == 16;
  const d = full ? out : tile;
  const step = full ? oStep : 16;
  v128.store(d, c0);
  v128.store(d + step, c1);
  v128.store(d + 2 * step, c2);
  v128.store(d + 3 * step, c3);
  if (!full) for (let p = 0; p < np; p++) memory.copy(out + <usize>p * oStep, tile + <usize>p * 16, width);
}

/**
 * Bytes of scratch the direct kernel needs: a zero row of kw·ci inputs, a 4 × 32-byte tile, and
 * one group's kernel packed in panels (og output channels rounded up to a vector, 8-byte elements).
 */
export function convScratch(kh: i32, kw: i32, ci: i32, og: i32): usize {
  return ((<usize>(kw * ci) * 8 + 63) & ~63) + 128 + <usize>(kh * kw * ci) * <usize>((og + 1) & ~1) * 8;
}

function convT<T>(x: usize, w: usize, o: usize, g: usize, r0: i32, r1: i32, scratch: usize): void {
  const H = load<i32>(g, 4), W = load<i32>(g, 8), C = load<i32>(g, 12);
  const kh = load<i32>(g, 16), kw = load<i32>(g, 20);
  const oh = load<i32>(g, 48), ow = load<i32>(g, 52);
  const groups = load<i32>(g, 56), F = load<i32>(g, 60);
  gH = H;
  gW = W;
  gkh = kh;
  gkw = kw;
  gsh = load<i32>(g, 24);
  gsw = load<i32>(g, 28);
  gdh = load<i32>(g, 32);
  gdw = load<i32>(g, 36);
  gpt = load<i32>(g, 40);
  gpl = load<i32>(g, 44);
  const sz = sizeof<T>();
  const L = <i32>(16 / <i32>sz);
  const NR = 2 * L;
  const ci = C / groups, og = F / groups;
  gci = ci;
  gRuns = gdw == 1 && groups == 1;
  gPix = <usize>C * sz;
  gRow = <usize>W * gPix;
  const zero = scratch;
  const zeroBytes = (<usize>(kw * ci) * 8 + 63) & ~63;
  memory.fill(zero, 0, zeroBytes);
  const tile = scratch + zeroBytes;
  const packed = tile + 128;
  const rows = kh * kw * ci;
  const ogPad = (og + L - 1) / L * L;
  const oStep = <usize>F * sz;
  const image = <usize>H * gRow;
  for (let grp = 0; grp < groups; grp++) {
    // pack this group's kernel: panels NR (the last maybe L) channels wide, tails zero
    for (let f0 = 0; f0 < ogPad; f0 += NR) {
      const width = min(NR, ogPad - f0);
      const real = <usize>min(width, og - f0) * sz;
      let dst = packed + <usize>rows * <usize>f0 * sz;
      let src = w + <usize>(grp * og + f0) * sz;
      for (let t = 0; t < rows; t++) {
        v128.store(dst, v128.splat<T>(<T>0));
        if (width == NR) v128.store(dst, v128.splat<T>(<T>0), 16);
        memory.copy(dst, src, real);
        dst += <usize>width * sz;
        src += oStep;
      }
    }
    for (let r = r0; r < r1; r++) {
      const n = r / oh, i = r - n * oh;
      const xg = x + <usize>n * image + <usize>(grp * ci) * sz;
      const orow = o + <usize>r * <usize>ow * oStep + <usize>(grp * og) * sz;
      for (let f0 = 0; f0 < ogPad; f0 += NR) {
        const panel = packed + <usize>rows * <usize>f0 * sz;
        const width = <usize>min(NR, og - f0) * sz;
        if (ogPad - f0 >= NR) {
          for (let j0 = 0; j0 < ow; j0 += 4) block2<T>(xg, i, j0, min(4, ow - j0), panel, orow + (<usize>j0 * oStep + <usize>f0 * sz), oStep, zero, tile, width);
        } else {
          for (let j0 = 0; j0 < ow; j0 += 4) block1<T>(xg, i, j0, min(4, ow - j0), panel, orow + (<usize>j0 * oStep + <usize>f0 * sz), oStep, zero, tile, width);
        }
      }
    }
  }
}

/**
 * The direct convolution of NHWC images x with the kernel w ([kh, kw, C / groups, F]) into o
 * ([m, outH, outW, F]), output rows r0 … r1 − 1 (row r = example r / outH, output row r % outH).
 * Geometry words at g as im2col's, then groups, F. `scratch`: convScratch(kh, kw, C / groups,
 * F / groups) bytes.
 */
export function conv2d(dt: i32, x: usize, w: usize, o: usize, g: usize, r0: i32, r1: i32, scratch: usize): void {
  if (dt == 0) convT<f32>(x, w, o, g, r0, r1, scratch);
  else convT<f64>(x, w, o, g, r0, r1, scratch);
}
