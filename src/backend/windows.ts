/**
 * A convolution from any backend's `im2col` and `matmul`: the windows as rows, then one matrix
 * product `[m·H'·W', kh·kw·C] @ [kh·kw·C, F]` (per group, batched, when `groups > 1`). It is the
 * `conv2d` of a backend with no convolution kernel of its own (WebGPU), and the WASM backend's
 * for the shapes its direct kernel does not take. A batch whose windows would exceed
 * `PATCH_LIMIT` elements runs in slices of examples, so memory stays bounded.
 *
 * @module
 */
import type { PatchGeometry } from "../shape/conv.js";
import type { Sizes } from "../shape/dims.js";
import type { Backend, Storage } from "./backend.js";

/** The most window elements one `im2col` holds (16 MiB of float32): larger batches run in slices. */
export const PATCH_LIMIT = 1 << 22;

/** A 1×1 convolution, stride 1, no padding: the image's rows are the windows. */
export const isPointwise = (xShape: Sizes, g: PatchGeometry): boolean =>
  g.kh === 1 && g.kw === 1 && g.sh === 1 && g.sw === 1 && g.padTop === 0 && g.padLeft === 0 && g.outH === xShape[1] && g.outW === xShape[2];

const windowsConv = (b: Backend, x: Storage, xShape: Sizes, w: Storage, wShape: Sizes, g: PatchGeometry, groups: number): Storage => {
  const [m, , , C] = xShape as [number, number, number, number];
  const [kh, kw, ci, F] = wShape as [number, number, number, number];
  const rows = m * g.outH * g.outW;
  const K = kh * kw * ci;
  const cols = isPointwise(xShape, g) ? x : b.im2col(x, xShape, g, 0);
  const done = (): void => {
    if (cols !== x) b.release?.(cols);
  };
  if (groups === 1) {
    const y = b.matmul(cols, [rows, kh * kw * C], w, [K, F], false, false, [rows, F]);
    done();
    return y;
  }
  const og = F / groups;
  const a = b.permute(cols, [rows, kh * kw, groups, ci], [2, 0, 1, 3]);
  done();
  const wg = b.permute(w, [K, groups, og], [1, 0, 2]);
  const y = b.matmul(a, [groups, rows, K], wg, [groups, K, og], false, false, [groups, rows, og]);
  b.release?.(a);
  b.release?.(wg);
  const out = b.permute(y, [groups, rows, og], [1, 0, 2]);
  b.release?.(y);
  return out;
};

/**
 * The convolution of NHWC images `x` (`xShape`) with the kernel `w` (`wShape` =
 * `[kh, kw, C / groups, F]`) by `im2col` and `matmul` of backend `b`: `[m, outH, outW, F]`, as
 * `Backend.conv2d`. A backend of your own with no convolution kernel can implement `conv2d`
 * with it; batches whose windows would be large run in slices of examples.
 *
 * @example
 * import { convByWindows, reference, shapes } from "typegrad"
 * const g = shapes.windowGeometry("conv2d", [1, 3, 3, 1], [2, 2], {})
 * const x = reference.fromArray("float32", [1, 2, 3, 4, 5, 6, 7, 8, 9])
 * const w = reference.fromArray("float32", [1, 1, 1, 1])
 * Array.from(reference.read(convByWindows(reference, x, [1, 3, 3, 1], w, [2, 2, 1, 1], g, 1))) // [12, 16, 24, 28]
 * @category instances
 */
export const convByWindows = (b: Backend, x: Storage, xShape: Sizes, w: Storage, wShape: Sizes, g: PatchGeometry, groups: number): Storage => {
  const [m, H, W, C] = xShape as [number, number, number, number];
  const perExample = g.outH * g.outW * g.kh * g.kw * C;
  if (isPointwise(xShape, g) || m <= 1 || perExample * m <= PATCH_LIMIT) return windowsConv(b, x, xShape, w, wShape, g, groups);
  const step = Math.max(1, Math.floor(PATCH_LIMIT / perExample));
  const parts: Storage[] = [];
  const shapes: Sizes[] = [];
  const F = wShape[3] as number;
  for (let s = 0; s < m; s += step) {
    const e = Math.min(m, s + step);
    const xs = b.slice(x, xShape, 0, s, e);
    parts.push(windowsConv(b, xs, [e - s, H, W, C], w, wShape, g, groups));
    b.release?.(xs);
    shapes.push([e - s, g.outH, g.outW, F]);
  }
  const out = b.concat(parts, shapes, 0);
  for (const p of parts) b.release?.(p);
  return out;
};
