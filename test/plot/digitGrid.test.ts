/**
 * digitGrid: every pixel is painted in the gray its value maps to (0 white, 1 black by default,
 * the option 'range' otherwise), captions show labels and predictions, wrong predictions are
 * framed, sizes are capped, and the argument errors name the argument.
 */
import { describe, expect, test } from "vitest";
import { examples, fromFlat } from "../../src/data/examples.js";
import { digitGrid, MAX_IMAGES } from "../../src/plot/index.js";
import { ALERT } from "../../src/plot/palette.js";
import { allNodes, parseXml, runRects, texts, type XmlNode } from "./xml.js";

/** The gray level (0–255, 255 for unpainted) of the screen pixel at `(x, y)`, from the run paths. */
const painter = (svg: XmlNode): ((x: number, y: number) => number) => {
  const group = allNodes(svg).find((e) => e.tag === "g" && e.attrs["shape-rendering"] === "crispEdges");
  const rects = (group?.children ?? []).flatMap((p) => runRects(p.attrs.d ?? "").map((r) => ({ r, fill: p.attrs.fill as string })));
  return (x, y) => {
    const hit = rects.filter(({ r: [rx, ry, w, h] }) => x >= rx && x < rx + w && y >= ry && y < ry + h);
    expect(hit.length, `pixel (${x}, ${y}) painted ${hit.length} times`).toBeLessThanOrEqual(1);
    if (hit.length === 0) return 255;
    const f = hit[0]?.fill as string;
    expect(f).toMatch(/^#([0-9a-f]{2})\1\1$/);
    return Number.parseInt(f.slice(1, 3), 16);
  };
};

/** The top-left corner of each image, from its frame (drawn 1.5 pixels outside it). */
const origins = (svg: XmlNode): [number, number][] =>
  allNodes(svg)
    .filter((e) => e.tag === "path" && e.attrs.fill === "none")
    .flatMap((e) => [...(e.attrs.d ?? "").matchAll(/M([\d.]+) ([\d.]+)/g)].map((m) => [Number(m[1]) + 1.5, Number(m[2]) + 1.5] as [number, number]))
    .sort((a, b) => a[1] - b[1] || a[0] - b[0]);

describe("digitGrid", () => {
  const h = 3;
  const w = 4;
  const imgs = [Array.from({ length: h * w }, (_, i) => i / (h * w - 1)), Array.from({ length: h * w }, (_, i) => (i % 3 === 0 ? 1 : 0.25)), Array.from({ length: h * w }, () => 0)];

  test("each pixel has the gray its value maps to (0 white, 1 black), at the image's scale", () => {
    const s = 3;
    const tree = parseXml(digitGrid(imgs, { shape: [h, w], scale: s, columns: 2 }));
    const gray = painter(tree);
    const at = origins(tree);
    expect(at).toHaveLength(3);
    imgs.forEach((img, k) => {
      const [ox, oy] = at[k] as [number, number];
      for (let r = 0; r < h; r++)
        for (let c = 0; c < w; c++) {
          const want = Math.round(255 * (1 - (img[r * w + c] as number)));
          for (const [dx, dy] of [
            [0.5, 0.5],
            [s - 0.5, s - 0.5],
          ] as const)
            expect(gray(ox + c * s + dx, oy + r * s + dy), `image ${k} pixel (${c}, ${r})`).toBe(want);
        }
    });
    // two columns: the third image starts a second row
    expect((at[2] as [number, number])[1]).toBeGreaterThan((at[0] as [number, number])[1] + h * s);
  });

  test("option 'range' maps its ends to white and black and clamps outside", () => {
    const tree = parseXml(digitGrid([[0, 127.5, 255, 300, -5, 51]], { shape: [1, 6], range: [0, 255], scale: 1 }));
    const gray = painter(tree);
    const [[ox, oy]] = origins(tree) as [[number, number]];
    expect([0, 1, 2, 3, 4, 5].map((c) => gray(ox + c + 0.5, oy + 0.5))).toEqual([255, 128, 0, 0, 255, 204]);
  });

  test("Examples: labels from the targets; predictions caption 'label → predicted' and wrong ones are framed", () => {
    const d = fromFlat(h * w, 1, Float64Array.from(imgs.flat()), Float64Array.from([3, 7, 1]));
    const tree = parseXml(digitGrid(d, { shape: [h, w], predicted: [3, 1, 1], title: "digits <test>" }));
    const t = texts(tree);
    for (const s of ["3 → 3", "7 → 1", "1 → 1", "digits <test>"]) expect(t).toContain(s);
    const alerts = allNodes(tree).filter((e) => e.tag === "path" && e.attrs.stroke === ALERT);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.attrs.d?.match(/M/g)).toHaveLength(1);
    const red = allNodes(tree).filter((e) => e.tag === "text" && e.attrs.fill === ALERT);
    expect(red.map((e) => e.text)).toEqual(["7 → 1"]);
    // labels only: the label; one-hot targets: the argmax
    expect(texts(parseXml(digitGrid(d, { shape: [h, w] })))).toContain("7");
    const oneHot = examples(imgs, [
      [0, 0, 1],
      [0, 1, 0],
      [1, 0, 0],
    ]);
    expect(texts(parseXml(digitGrid(oneHot, { shape: [h, w] })))).toEqual(expect.arrayContaining(["2", "1", "0"]));
    expect(texts(parseXml(digitGrid(imgs, { shape: [h, w], captions: ["a&b", "c", "d"] })))).toContain("a&b");
  });

  test("square images need no shape; 28 × 28 digits are shown at 3× by default", () => {
    const digit = Array.from({ length: 784 }, (_, i) => ((i * 7) % 11) / 10);
    const tree = parseXml(digitGrid([digit, digit]));
    const [[x0], [x1]] = origins(tree) as [[number, number], [number, number]];
    expect(x1 - x0).toBe(84 + 12);
  });

  test("sizes are capped; the output is linear in the pixels", () => {
    const tooMany = fromFlat(4, 1, new Float64Array(4 * (MAX_IMAGES + 1)), new Float64Array(MAX_IMAGES + 1));
    expect(() => digitGrid(tooMany)).toThrow(
      new RangeError(`digitGrid: argument 'images' has ${MAX_IMAGES + 1} images, more than the ${MAX_IMAGES} a grid may hold; pass a slice, e.g. take(data, [0, 1, …])`),
    );
    expect(() => digitGrid([new Float64Array(2048 * 2048)])).toThrow(/digitGrid: 1 images of 2048 × 2048 pixels are more than the 1048576 pixels/);
    const noisy = Array.from({ length: 100 }, (_, k) => Array.from({ length: 784 }, (_, i) => ((i * 31 + k * 17) % 256) / 255));
    expect(digitGrid(noisy).length).toBeLessThan(100 * 784 * 40);
  });

  test("argument errors name the argument", () => {
    expect(() => digitGrid([])).toThrow(new RangeError("digitGrid: argument 'images' is empty"));
    expect(() => digitGrid([[1, 2, 3]])).toThrow("digitGrid: images have 3 pixels, not a square; pass option 'shape' [height, width]");
    expect(() =>
      digitGrid([
        [0, 0, 0, 0],
        [0, 0, 0],
      ]),
    ).toThrow("digitGrid: image 1 has 3 pixels, expected 2 × 2 = 4");
    expect(() => digitGrid([[0, 0, 0, Number.NaN]])).toThrow("digitGrid: image 0 pixel 3 must be a number, got NaN");
    expect(() => digitGrid(imgs, { shape: [h, w], labels: [1, 2] })).toThrow("digitGrid: option 'labels' has 2 entries but there are 3 images");
    expect(() => digitGrid(imgs, { shape: [h, w], predicted: [1, 2, 3] })).toThrow("digitGrid: option 'predicted' needs the true labels");
    expect(() => digitGrid(imgs, { shape: [h, w], scale: 0 })).toThrow(new RangeError("digitGrid: option 'scale' must be in [1, 16], got 0"));
    expect(() => digitGrid(imgs, { shape: [h, w], range: [1, 1] })).toThrow("digitGrid: option 'range' must be [low, high] with low < high, got [1, 1]");
    expect(() => digitGrid(imgs, { shape: [h, w], columns: 1.5 })).toThrow(new TypeError("digitGrid: option 'columns' must be an integer, got 1.5"));
  });
});
