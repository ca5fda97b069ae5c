/**
 * im2col and col2im at their edges: every refusal in full (the op, the argument, what was
 * expected), what the geometry sampler draws (the geometries the shape rule makes, padding up to
 * the window's span − 1) and col2im's error model.
 */
import { describe, expect, it } from "vitest";
import { seededGen } from "../../laws/gen.js";
import { bind, type Primitive } from "../../src/autodiff/core.js";
import { withBackend } from "../../src/backend/current.js";
import { reference } from "../../src/backend/reference.js";
import { wasm } from "../../src/backend/wasm/index.js";
import { col2im, im2col, ones, ShapeError, shapes, tensor, toFlat } from "../../src/index.js";
import { add } from "../../src/ops/add.js";
import { col2imDef } from "../../src/ops/col2im.js";
import { type Col2imParams, sampleGeometry } from "../../src/ops/im2col.js";
import { type Case, domains, errorTolerance } from "../../src/ops/spec.js";
import { rng } from "../../src/tensor/random.js";

const bad = (v: unknown): never => v as never;
// 2×2 windows over [1, 2, 3, 1]: outH 1, outW 2
const g = shapes.windowGeometry("im2col", [1, 2, 3, 1], [2, 2], {});

describe("im2col and col2im refuse bad arguments, naming themselves", () => {
  it("im2col: a tensor, NHWC", () => {
    expect(() => im2col(bad("x"), g)).toThrow(new TypeError("im2col: argument 'x' must be a Tensor, got string x"));
    expect(() => im2col(tensor([[[1], [2], [3]]]), g)).toThrow(new ShapeError("im2col", "the image must be NHWC [m, height, width, channels], got [1, 3, 1]"));
    expect(() => im2col(ones([1, 1, 2, 3, 1]), g)).toThrow(new ShapeError("im2col", "the image must be NHWC [m, height, width, channels], got [1, 1, 2, 3, 1]"));
  });

  it("a geometry that is not one is refused, and leaves the backend working", () => {
    // before: im2col(x, [2, 2]) made a tensor of shape [1, undefined, …], after which every
    // WASM kernel failed with Node's 'The value of "size" is out of range … Received NaN'
    const x = ones([1, 2, 3, 1]);
    expect(() => im2col(x, bad([2, 2]))).toThrow(
      new TypeError("im2col: argument 'geometry' must be a window geometry { kh, kw, sh, sw, dh, dw, padTop, padLeft, outH, outW } (from shapes.windowGeometry), got an array of 2"),
    );
    expect(() => im2col(x, bad({ ...g, sh: 0 }))).toThrow(new TypeError("im2col: argument 'geometry': sh must be an integer ≥ 1, got 0"));
    expect(() => im2col(x, bad({ ...g, padTop: -1 }))).toThrow(new TypeError("im2col: argument 'geometry': padTop must be an integer ≥ 0, got -1"));
    expect(() => im2col(x, bad({ ...g, outW: Number.NaN }))).toThrow(new TypeError("im2col: argument 'geometry': outW must be an integer ≥ 0, got NaN"));
    expect(() => im2col(x, g, bad("0"))).toThrow(new TypeError("im2col: argument 'padValue' must be a number, got \"0\""));
    expect(() => col2im(ones([1, 1, 2, 2, 2, 1]), bad({ ...g, kh: undefined }), 2, 3)).toThrow(new TypeError("col2im: argument 'geometry': kh must be an integer ≥ 1, got undefined"));
    expect(() => col2im(ones([1, 1, 2, 2, 2, 1]), g, 0, 3)).toThrow(new TypeError("col2im: arguments 'height' and 'width' must be integers ≥ 1, got 0 and 3"));
    expect(() => col2im(ones([1, 1, 2, 2, 2, 1]), g, 2, bad("3"))).toThrow(new TypeError("col2im: arguments 'height' and 'width' must be integers ≥ 1, got 2 and \"3\""));
    expect(() => col2im(ones([1, 1, 2, 2, 2, 1]), g, 2, 0)).toThrow(new TypeError("col2im: arguments 'height' and 'width' must be integers ≥ 1, got 2 and 0"));
    // null and plain values are no geometry (null is an object to typeof; a number has no fields to read)
    for (const [v, shown] of [
      [null, "null"],
      [3, "3"],
      ["g", '"g"'],
    ] as const)
      expect(() => im2col(x, bad(v))).toThrow(
        new TypeError(`im2col: argument 'geometry' must be a window geometry { kh, kw, sh, sw, dh, dw, padTop, padLeft, outH, outW } (from shapes.windowGeometry), got ${shown}`),
      );
    expect(Array.from(toFlat(im2col(x, g)))).toEqual(Array(8).fill(1));
  });

  it("a shape rule that gives a dim that is not a size is refused before any memory is taken (WASM and reference)", () => {
    const broken: Primitive<undefined> = { name: "broken", shape: () => [1, Number.NaN], forward: (xs) => xs[0] as never, pullback: () => [] };
    for (const b of [wasm, reference]) {
      withBackend(b, () => {
        expect(() => bind(broken, [ones([2])], undefined)).toThrow(new RangeError("broken: the result [1, NaN] would have NaN elements: a dim is not a non-negative integer"));
        expect(Array.from(toFlat(add(ones([3]), ones([3]))))).toEqual([2, 2, 2]);
      });
    }
  });

  it("col2im: a tensor of windows [m, outH, outW, kh, kw, C] matching the geometry", () => {
    const msg = (got: string) => new ShapeError("col2im", `the windows must be [m, 1, 2, 2, 2, channels], got ${got}`);
    expect(() => col2im(bad(null), g, 2, 3)).toThrow(new TypeError("col2im: argument 'cols' must be a Tensor, got null"));
    // rank 5 with the window dims right where they would be
    expect(() => col2im(ones([1, 1, 2, 2, 2]), g, 2, 3)).toThrow(msg("[1, 1, 2, 2, 2]"));
    // one window dim off, each in turn
    for (const s of [
      [1, 2, 2, 2, 2, 1],
      [1, 1, 3, 2, 2, 1],
      [1, 1, 2, 1, 2, 1],
      [1, 1, 2, 2, 3, 1],
    ])
      expect(() => col2im(ones(s), g, 2, 3)).toThrow(msg(`[${s.join(", ")}]`));
    // the right windows, 3 examples of 2 channels: each cell counts the windows it is in
    expect(Array.from(toFlat(col2im(ones([3, 1, 2, 2, 2, 2]), g, 2, 3)))).toEqual(Array.from({ length: 3 }, () => [1, 2, 1, 1, 2, 1].flatMap((v) => [v, v])).flat());
  });
});

describe("the geometry sampler", () => {
  it("draws the geometries the shape rule makes, with padding from 0 up to the window's span − 1 on each axis", () => {
    const gen = seededGen(rng(9));
    const drawn = Array.from({ length: 1500 }, () => sampleGeometry(gen));
    const reach = { top: new Set<string>(), left: new Set<string>() };
    for (const { image, geometry: s } of drawn) {
      const rule = shapes.windowGeometry("im2col", image, [s.kh, s.kw], { stride: [s.sh, s.sw], dilation: [s.dh, s.dw], padding: [s.padTop, s.padLeft] });
      expect(s).toEqual(rule);
      const [spanH, spanW] = [s.dh * (s.kh - 1), s.dw * (s.kw - 1)];
      expect(s.padTop <= spanH && s.padLeft <= spanW).toBe(true);
      reach.top.add(s.padTop === 0 ? "0" : s.padTop === spanH ? "span" : "between");
      reach.left.add(s.padLeft === 0 ? "0" : s.padLeft === spanW ? "span" : "between");
    }
    expect([...reach.top].sort()).toEqual(["0", "between", "span"]);
    expect([...reach.left].sort()).toEqual(["0", "between", "span"]);
    // every stride and dilation, 1 and 2, each way
    expect(new Set(drawn.map(({ geometry: s }) => `${s.sh}${s.sw}${s.dh}${s.dw}`)).size).toBe(16);
  });
});

describe("col2im's error model", () => {
  it("each image cell adds at most kh·kw window cells of at most 3, rounded once", () => {
    const geometry = shapes.windowGeometry("col2im", [1, 4, 4, 1], [2, 3], {});
    const c = { inputs: [{ shape: [1, 3, 2, 2, 3, 1], domain: domains.real }], params: { geometry, height: 4, width: 4 } } as Case<Col2imParams>;
    const e = col2imDef.spec.error;
    if (e === undefined) throw new Error("col2im has no error model");
    expect(errorTolerance(e, c, "float64")).toBe(4 * 2 * 2 ** -53 * (0.5 + 6 * 3));
  });
});
