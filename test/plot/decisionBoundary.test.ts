/**
 * decisionBoundary: predict sees the cell centres row by row from the top, every grid cell is
 * painted exactly once in the colour of the class predict gives it, the points are drawn by
 * class, probabilities give bands and a 0.5 contour, the grid's size is capped, and the argument
 * errors name the argument.
 */
import { describe, expect, test } from "vitest";
import { examples } from "../../src/data/examples.js";
import { decisionBoundary, type Point } from "../../src/plot/index.js";
import { colourOf, tint } from "../../src/plot/palette.js";
import { allNodes, parseXml, runRects, texts, type XmlNode } from "./xml.js";

const data = examples<2, 1>(
  [
    [-1, -2],
    [3, 1],
    [0.5, 0.5],
    [2, -1],
    [1, 2],
  ],
  [[0], [1], [2], [1], [0]],
);
const labels = [0, 1, 2, 1, 0];

/** A classifier with a fine-grained pattern: any mix-up of cells would show. */
const pattern = ([a, b]: Point): number => Math.abs(Math.floor(2 * a) + 3 * Math.floor(1.5 * b)) % 3;

/** The fill of every cell `[row][col]` of the grid group, checking each cell is painted once. */
const cellFills = (svg: XmlNode, n: number): string[][] => {
  const grid = allNodes(svg).find((e) => e.tag === "g" && e.attrs["shape-rendering"] === "crispEdges");
  if (grid === undefined) throw new Error("no grid group");
  const fills: (string | undefined)[][] = Array.from({ length: n }, () => new Array<string | undefined>(n));
  for (const p of grid.children) {
    for (const [x, y, w, h] of runRects(p.attrs.d ?? "")) {
      expect(h).toBe(1);
      for (let c = x; c < x + w; c++) {
        expect(fills[y]?.[c], `cell (${c}, ${y}) painted twice`).toBeUndefined();
        (fills[y] as (string | undefined)[])[c] = p.attrs.fill;
      }
    }
  }
  fills.forEach((row, r) => {
    row.forEach((f, c) => {
      expect(f, `cell (${c}, ${r}) unpainted`).toBeDefined();
    });
    expect(row).toHaveLength(n);
  });
  return fills as string[][];
};

describe("decisionBoundary", () => {
  test("predict sees each cell centre once, row by row from the top, and each cell has its class's colour", () => {
    const n = 37;
    let seen: readonly Point[] = [];
    const svg = decisionBoundary(
      data,
      labels,
      (pts) => {
        seen = pts;
        return pts.map(pattern);
      },
      { resolution: n, title: "three <classes>" },
    );
    const tree = parseXml(svg);
    expect(seen).toHaveLength(n * n);
    const at = (r: number, c: number): Point => seen[r * n + c] as Point;
    const dx = at(0, 1)[0] - at(0, 0)[0];
    const dy = at(0, 0)[1] - at(1, 0)[1];
    expect(dx).toBeGreaterThan(0);
    expect(dy).toBeGreaterThan(0);
    for (let r = 0; r < n; r++)
      for (let c = 0; c < n; c++) {
        expect(at(r, c)[0]).toBeCloseTo(at(0, 0)[0] + c * dx, 9);
        expect(at(r, c)[1]).toBeCloseTo(at(0, 0)[1] - r * dy, 9);
      }
    // the grid covers the data with a margin
    expect(at(0, 0)[0] - dx / 2).toBeLessThan(-1);
    expect(at(0, n - 1)[0] + dx / 2).toBeGreaterThan(3);
    expect(at(n - 1, 0)[1] - dy / 2).toBeLessThan(-2);
    expect(at(0, 0)[1] + dy / 2).toBeGreaterThan(2);
    const fills = cellFills(tree, n);
    for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) expect(fills[r]?.[c], `cell (${c}, ${r})`).toBe(tint(colourOf(pattern(at(r, c)))));
  });

  test("points are drawn in their class's colour; legend, axis titles and title are present and escaped", () => {
    const tree = parseXml(decisionBoundary(data, labels, (pts) => pts.map(pattern), { title: "a <b> & c", classNames: ["setosa", "versi<color>"], xLabel: "petal & length" }));
    const t = texts(tree);
    for (const s of ["a <b> & c", "setosa", "versi<color>", "class 2", "petal & length", "x₂"]) expect(t).toContain(s);
    for (const k of [0, 1, 2]) {
      const dots = allNodes(tree).filter((e) => e.tag === "path" && e.attrs.stroke === colourOf(k) && e.attrs["stroke-linecap"] === "round");
      expect(dots).toHaveLength(1);
      expect(dots[0]?.attrs.d?.match(/h0/g)?.length).toBe(labels.filter((l) => l === k).length);
    }
  });

  test("probabilities: ten bands by probability, and a 0.5 contour where it crosses", () => {
    const n = 40;
    const p = ([a]: Point): number => 1 / (1 + Math.exp(-2 * (a - 1)));
    let seen: readonly Point[] = [];
    const tree = parseXml(
      decisionBoundary(
        data,
        labels.map((l) => Math.min(l, 1)),
        (pts) => {
          seen = pts;
          return pts.map(p);
        },
        { resolution: n, output: "probabilities" },
      ),
    );
    const fills = cellFills(tree, n);
    const byBand = new Map<number, Set<string>>();
    for (let r = 0; r < n; r++)
      for (let c = 0; c < n; c++) {
        const band = Math.min(9, Math.floor(p(seen[r * n + c] as Point) * 10));
        byBand.set(band, (byBand.get(band) ?? new Set()).add(fills[r]?.[c] as string));
      }
    for (const s of byBand.values()) expect(s.size).toBe(1);
    const colours = [...byBand.entries()].sort((a, b) => a[0] - b[0]).map(([, s]) => [...s][0]);
    expect(new Set(colours).size).toBe(colours.length);
    const contour = allNodes(tree).find((e) => e.tag === "path" && e.attrs.fill === "none" && e.attrs["stroke-width"] === "1.5");
    expect(contour?.attrs.d).toMatch(/^(M[\d.]+ [\d.]+L[\d.]+ [\d.]+)+$/);
    // the contour is a vertical line: every vertex has the same x (p crosses 0.5 at a = 1)
    const xs = new Set([...(contour?.attrs.d ?? "").matchAll(/[ML]([\d.]+) /g)].map((m) => Number(m[1]).toFixed(1)));
    expect(xs.size).toBe(1);
    // constant probabilities: no contour
    const flat = parseXml(decisionBoundary(data, [0, 1, 0, 1, 0], (pts) => pts.map(() => 0.3), { output: "probabilities", resolution: 10 }));
    expect(allNodes(flat).some((e) => e.tag === "path" && e.attrs["stroke-width"] === "1.5")).toBe(false);
  });

  test("the output stays small and its size bounded", () => {
    const smooth = decisionBoundary(data, labels, (pts) => pts.map(([a]) => (a > 1 ? 1 : 0)), { resolution: 400 });
    expect(smooth.length).toBeLessThan(30_000);
    const worst = decisionBoundary(data, labels, (pts) => pts.map((_, k) => (k + Math.floor(k / 400)) % 2), { resolution: 400 });
    expect(worst.length).toBeLessThan(400 * 400 * 16 + 10_000);
    expect(() => decisionBoundary(data, labels, () => [], { resolution: 401 })).toThrow(new RangeError("decisionBoundary: option 'resolution' must be in [2, 400], got 401"));
    expect(() => decisionBoundary(data, labels, () => [], { resolution: 10.5 })).toThrow(new TypeError("decisionBoundary: option 'resolution' must be an integer, got 10.5"));
  });

  test("argument errors name the argument", () => {
    const ok = (pts: readonly Point[]) => pts.map(() => 0);
    expect(() => decisionBoundary(data, [0, 1], ok)).toThrow(new TypeError("decisionBoundary: argument 'labels' has 2 labels but 'data' has 5 examples"));
    expect(() => decisionBoundary(data, [0, 1, 0.5, 1, 0], ok)).toThrow("decisionBoundary: labels[2] must be a class index (an integer ≥ 0), got 0.5");
    expect(() => decisionBoundary(examples([[1, 2, 3]], [[0]]) as never, [0], ok)).toThrow("decisionBoundary: argument 'data' must have 2 features, got 3");
    expect(() => decisionBoundary(data, labels, (pts) => pts.slice(1).map(() => 0), { resolution: 10 })).toThrow("decisionBoundary: predict returned 99 values for 100 points");
    expect(() => decisionBoundary(data, labels, (pts) => pts.map(() => -1), { resolution: 10 })).toThrow(/decisionBoundary: predict's value for point \[.*\] must be a class index/);
    expect(() => decisionBoundary(data, [0, 1, 0, 1, 0], (pts) => pts.map(() => 1.5), { output: "probabilities", resolution: 10 })).toThrow(/must be a probability in \[0, 1\], got 1.5/);
    expect(() => decisionBoundary(data, labels, ok, { output: "probabilities" })).toThrow('decisionBoundary: with output "probabilities" every label must be 0 or 1, labels[2] is 2');
    expect(() => decisionBoundary(data, labels, "no" as never)).toThrow("decisionBoundary: argument 'predict' must be a function");
  });
});
