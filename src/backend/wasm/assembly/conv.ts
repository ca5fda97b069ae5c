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
// - The kernel is packed first (into the caller's scratch) as panels of 8 (4) output channels,
//   [tap, c] rows contiguous and the channel tail zero-padded, so a block streams one small panel
//   from L1 (the kernel as stored strides F channels per row).
// - For each output row, the kh input rows its windows read are copied into the scratch with
//   their left and right padding as zeros, so no tap needs a bounds check; a tap row wholly outside
//   the image is skipped (it adds nothing). With dilation 1 along the width and one group, a
//   window row is then one run of kw·C inputs matching kw·C consecutive kernel rows: one inner
//   loop instead of kw.
// - Every output element is summed over taps and channels in the same order wherever it lies, so
//   splitting output rows over threads gives the same bytes.

/** Output pixels 0 … np − 1 (np ≤ 4, starting at input pixel x0, `step` bytes apart) × a panel two vectors wide; `width` bytes stored per pixel. */
function block2<T>(rows: usize, live: i32, x0: usize, step: usize, np: i32, panel: usize, out: usize, oStep: usize, tile: usize, width: usize): void {
  const sz = sizeof<T>();
  const z = v128.splat<T>(<T>0);
  let c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z;
  const s1 = np > 1 ? step : 0;
  const s2 = np > 2 ? <usize>2 * step : 0;
  const s3 = np > 3 ? <usize>3 * step : 0;
  const runs = gRuns ? 1 : gkw;
  const len = <usize>(gRuns ? gkw * gci : gci) * 32;
  for (let a = 0; a < gkh; a++) {
    if (((live >>> a) & 1) == 0) continue;
    const row = rows + <usize>a * gRowBytes + x0;
    for (let b = 0; b < runs; b++) {
      let p0 = row + <usize>(b * gdw) * gPix;
      let p1 = p0 + s1;
      let p2 = p0 + s2;
      let p3 = p0 + s3;
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
  const st = full ? oStep : 32;
  v128.store(d, c00);
  v128.store(d, c01, 16);
  v128.store(d + st, c10);
  v128.store(d + st, c11, 16);
  v128.store(d + 2 * st, c20);
  v128.store(d + 2 * st, c21, 16);
  v128.store(d + 3 * st, c30);
  v128.store(d + 3 * st, c31, 16);
  if (!full) for (let p = 0; p < np; p++) memory.copy(out + <usize>p * oStep, tile + <usize>p * 32, width);
}

/** As block2 with a panel one vector wide. */
function block1<T>(rows: usize, live: i32, x0: usize, step: usize, np: i32, panel: usize, out: usize, oStep: usize, tile: usize, width: usize): void {
  const sz = sizeof<T>();
  const z = v128.splat<T>(<T>0);
  let c0 = z, c1 = z, c2 = z, c3 = z;
  const s1 = np > 1 ? step : 0;
  const s2 = np > 2 ? <usize>2 * step : 0;
  const s3 = np > 3 ? <usize>3 * step : 0;
  const runs = gRuns ? 1 : gkw;
  const len = <usize>(gRuns ? gkw * gci : gci) * 16;
  for (let a = 0; a < gkh; a++) {
    if (((live >>> a) & 1) == 0) continue;
    const row = rows + <usize>a * gRowBytes + x0;
    for (let b = 0; b < runs; b++) {
      let p0 = row + <usize>(b * gdw) * gPix;
      let p1 = p0 + s1;
      let p2 = p0 + s2;
      let p3 = p0 + s3;
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
  const st = full ? oStep : 16;
  v128.store(d, c0);
  v128.store(d + st, c1);
  v128.store(d + 2 * st, c2);
  v128.store(d + 3 * st, c3);
  if (!full) for (let p = 0; p < np; p++) memory.copy(out + <usize>p * oStep, tile + <usize>p * 16, width);
}

let gkh: i32 = 0, gkw: i32 = 0, gdw: i32 = 0, gci: i32 = 0;
/** Whether a window row is one run of kw·C inputs (dilation 1 along the width, one group). */
let gRuns: bool = false;
/** Bytes of one input pixel (C channels) and of one padded input row. */
let gPix: usize = 0, gRowBytes: usize = 0;

/** The padded row's width in pixels: the image's, the left padding, and as much right padding as the last window reaches. */
@inline function paddedWidth(W: i32, kw: i32, sw: i32, dw: i32, pl: i32, ow: i32): i32 {
  return max(W + pl, (ow - 1) * sw + (kw - 1) * dw + 1);
}

/**
 * Bytes of scratch the direct kernel needs (8-byte elements): a 4 × 32-byte tile, the kernel
 * packed in panels (each group's og output channels rounded up to a vector), and kh padded input
 * rows.
 */
export function convScratch(kh: i32, kw: i32, ci: i32, og: i32, groups: i32, W: i32, sw: i32, dw: i32, pl: i32, ow: i32): usize {
  const packed = <usize>(kh * kw * ci) * <usize>((og + 1) & ~1) * <usize>groups * 8;
  const rows = <usize>kh * <usize>paddedWidth(W, kw, sw, dw, pl, ow) * <usize>(ci * groups) * 8;
  return 128 + ((packed + 63) & ~63) + rows;
}

function convT<T>(x: usize, w: usize, o: usize, g: usize, r0: i32, r1: i32, scratch: usize): void {
  const H = load<i32>(g, 4), W = load<i32>(g, 8), C = load<i32>(g, 12);
  const kh = load<i32>(g, 16), kw = load<i32>(g, 20), sh = load<i32>(g, 24), sw = load<i32>(g, 28);
  const dh = load<i32>(g, 32), dw = load<i32>(g, 36), pt = load<i32>(g, 40), pl = load<i32>(g, 44);
  const oh = load<i32>(g, 48), ow = load<i32>(g, 52);
  const groups = load<i32>(g, 56), F = load<i32>(g, 60);
  const sz = sizeof<T>();
  const L = <i32>(16 / <i32>sz);
  const NR = 2 * L;
  const ci = C / groups, og = F / groups;
  const Wp = paddedWidth(W, kw, sw, dw, pl, ow);
  gkh = kh;
  gkw = kw;
  gdw = dw;
  gci = ci;
  gRuns = dw == 1 && groups == 1;
  gPix = <usize>C * sz;
  gRowBytes = <usize>Wp * gPix;
  const tile = scratch;
  const packed = scratch + 128;
  const taps = kh * kw * ci;
  const ogPad = (og + L - 1) / L * L;
  const groupBytes = <usize>taps * <usize>ogPad * sz;
  const rows = packed + ((groupBytes * <usize>groups + 63) & ~63);
  const oStep = <usize>F * sz;
  const inRow = <usize>W * gPix;
  const image = <usize>H * inRow;
  // pack the kernel: per group, panels NR (the last maybe L) channels wide, tails zero
  for (let grp = 0; grp < groups; grp++) {
    for (let f0 = 0; f0 < ogPad; f0 += NR) {
      const width = min(NR, ogPad - f0);
      const real = <usize>min(width, og - f0) * sz;
      let dst = packed + <usize>grp * groupBytes + <usize>taps * <usize>f0 * sz;
      let src = w + <usize>(grp * og + f0) * sz;
      for (let t = 0; t < taps; t++) {
        v128.store(dst, v128.splat<T>(<T>0));
        if (width == NR) v128.store(dst, v128.splat<T>(<T>0), 16);
        memory.copy(dst, src, real);
        dst += <usize>width * sz;
        src += oStep;
      }
    }
  }
  const left = <usize>pl * gPix;
  const right = <usize>(Wp - W - pl) * gPix;
  const step = <usize>sw * gPix;
  for (let r = r0; r < r1; r++) {
    const n = r / oh, i = r - n * oh;
    // the input rows of this output row's windows, padded with zeros left and right
    let live = 0;
    for (let a = 0; a < kh; a++) {
      const h = i * sh + a * dh - pt;
      if (h < 0 || h >= H) continue;
      live |= 1 << a;
      const dst = rows + <usize>a * gRowBytes;
      memory.fill(dst, 0, left);
      memory.copy(dst + left, x + <usize>n * image + <usize>h * inRow, inRow);
      memory.fill(dst + left + inRow, 0, right);
    }
    const orow = o + <usize>r * <usize>ow * oStep;
    for (let grp = 0; grp < groups; grp++) {
      const xg = <usize>(grp * ci) * sz;
      const og0 = orow + <usize>(grp * og) * sz;
      for (let f0 = 0; f0 < ogPad; f0 += NR) {
        const panel = packed + <usize>grp * groupBytes + <usize>taps * <usize>f0 * sz;
        const width = <usize>min(NR, og - f0) * sz;
        const ob = og0 + <usize>f0 * sz;
        if (ogPad - f0 >= NR) {
          for (let j0 = 0; j0 < ow; j0 += 4) block2<T>(rows, live, xg + <usize>j0 * step, step, min(4, ow - j0), panel, ob + <usize>j0 * oStep, oStep, tile, width);
        } else {
          for (let j0 = 0; j0 < ow; j0 += 4) block1<T>(rows, live, xg + <usize>j0 * step, step, min(4, ow - j0), panel, ob + <usize>j0 * oStep, oStep, tile, width);
        }
      }
    }
  }
}

/**
 * The direct convolution of NHWC images x with the kernel w ([kh, kw, C / groups, F]) into o
 * ([m, outH, outW, F]), output rows r0 … r1 − 1 (row r = example r / outH, output row r % outH).
 * Geometry words at g as im2col's, then groups, F. `scratch`: convScratch(…) bytes; kh ≤ 32.
 */
export function conv2d(dt: i32, x: usize, w: usize, o: usize, g: usize, r0: i32, r1: i32, scratch: usize): void {
  if (dt == 0) convT<f32>(x, w, o, g, r0, r1, scratch);
  else convT<f64>(x, w, o, g, r0, r1, scratch);
}
