// Convolution data movement, images NHWC: im2col (the windows of an image as rows, so a
// convolution is one gemm) and col2im, its transpose (window rows added back into the image),
// which carries the input cotangent of a convolution and the transposed convolution's forward.
// A window tap reads C contiguous channels: copies and adds run over those runs with v128.

/** Geometry words at `g` (i32): m, H, W, C, kh, kw, sh, sw, dh, dw, padTop, padLeft, outH, outW. */
function im2colT<T>(x: usize, o: usize, g: usize, padValue: T): void {
  const m = load<i32>(g), H = load<i32>(g, 4), W = load<i32>(g, 8), C = load<i32>(g, 12);
  const kh = load<i32>(g, 16), kw = load<i32>(g, 20), sh = load<i32>(g, 24), sw = load<i32>(g, 28);
  const dh = load<i32>(g, 32), dw = load<i32>(g, 36), pt = load<i32>(g, 40), pl = load<i32>(g, 44);
  const oh = load<i32>(g, 48), ow = load<i32>(g, 52);
  const sz = sizeof<T>();
  const run = <usize>C * sz;
  const L = <i32>(16 / <i32>sz);
  const pv = v128.splat<T>(padValue);
  let po = o;
  for (let n = 0; n < m; n++) {
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

function col2imT<T>(cols: usize, o: usize, g: usize): void {
  const m = load<i32>(g), H = load<i32>(g, 4), W = load<i32>(g, 8), C = load<i32>(g, 12);
  const kh = load<i32>(g, 16), kw = load<i32>(g, 20), sh = load<i32>(g, 24), sw = load<i32>(g, 28);
  const dh = load<i32>(g, 32), dw = load<i32>(g, 36), pt = load<i32>(g, 40), pl = load<i32>(g, 44);
  const oh = load<i32>(g, 48), ow = load<i32>(g, 52);
  const sz = sizeof<T>();
  const run = <usize>C * sz;
  const L = <i32>(16 / <i32>sz);
  memory.fill(o, 0, <usize>m * <usize>H * <usize>W * run);
  let pc = cols;
  for (let n = 0; n < m; n++) {
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

/** out = the windows of the NHWC image x as rows ([m, outH, outW, kh, kw, C]); cells outside the image read `padValue`. */
export function im2col(dt: i32, x: usize, o: usize, g: usize, padValue: f64): void {
  if (dt == 0) im2colT<f32>(x, o, g, <f32>padValue);
  else im2colT<f64>(x, o, g, padValue);
}

/** out (the NHWC image) = Σ of the window rows `cols` over the cells they were read from. */
export function col2im(dt: i32, cols: usize, o: usize, g: usize): void {
  if (dt == 0) col2imT<f32>(cols, o, g);
  else col2imT<f64>(cols, o, g);
}
