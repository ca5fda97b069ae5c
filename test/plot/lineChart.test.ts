/**
 * lineChart and trainingCurves: well-formed SVG, titles, axis labels and legend entries present
 * and escaped, ticks that are nice and cover the data, gaps where values are missing, and the
 * argument errors.
 */
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { lineChart, MAX_POINTS, palette, trainingCurves } from "../../src/plot/index.js";
import { allNodes, FORBIDDEN, isNiceStep, parseXml, texts, type XmlNode } from "./xml.js";

const read = (label: string): number => Number(label.replace("\u2212", "-"));

/** The tick labels of each panel's y and x axes, in document order. */
const tickLabels = (svg: XmlNode, anchor: "end" | "middle"): number[][] =>
  allNodes(svg)
    .filter((n) => n.tag === "g" && n.attrs["font-size"] === "11" && n.attrs["text-anchor"] === anchor)
    .map((g) => g.children.map((t) => read(t.text)));

/** The line of the series drawn in `colour`. */
const linePath = (svg: XmlNode, colour: string): string => allNodes(svg).find((n) => n.tag === "path" && n.attrs.stroke === colour && n.attrs.fill === "none")?.attrs.d ?? "";

describe("lineChart", () => {
  const loss = [2.31, 1.2, 0.8, Number.NaN, 0.41, 0.35, undefined, 0.3];
  const svg = lineChart(
    [
      { name: "loss <train>", y: loss },
      { name: "val & 'loss'", x: [0, 2, 4, 6, 8, 10, 12, 14], y: [2.5, 1.5, 1, 0.9, 0.7, 0.6, 0.55, 0.5], dashed: true },
    ],
    { title: 'Cost "J" <per> epoch', xLabel: "epoch < 20", yLabel: "J(θ)", markers: false },
  );
  const tree = parseXml(svg);

  test("is a well-formed SVG document of the default size", () => {
    expect(tree.tag).toBe("svg");
    expect(tree.attrs.xmlns).toBe("http://www.w3.org/2000/svg");
    expect([tree.attrs.width, tree.attrs.height]).toEqual(["640", "400"]);
  });

  test("title, axis titles and legend entries are present and escaped", () => {
    const t = texts(tree);
    for (const s of ['Cost "J" <per> epoch', "epoch < 20", "J(θ)", "loss <train>", "val & 'loss'"]) expect(t).toContain(s);
    expect(svg).toContain("Cost &quot;J&quot; &lt;per&gt; epoch");
    expect(svg).not.toContain("<train>");
    expect(allNodes(tree).find((n) => n.tag === "title")?.text).toBe('Cost "J" <per> epoch');
  });

  test("ticks are nice and cover the data on both axes", () => {
    const [ys] = tickLabels(tree, "end");
    const [xs] = tickLabels(tree, "middle");
    for (const [ticks, lo, hi] of [
      [ys as number[], 0.3, 2.5],
      [xs as number[], 0, 14],
    ] as const) {
      expect(ticks[0] as number).toBeLessThanOrEqual(lo);
      expect(ticks[ticks.length - 1] as number).toBeGreaterThanOrEqual(hi);
      expect(isNiceStep((ticks[1] as number) - (ticks[0] as number))).toBe(true);
      expect(ticks.length).toBeGreaterThanOrEqual(3);
      expect(ticks.length).toBeLessThanOrEqual(12);
    }
  });

  test("a missing value (NaN, undefined) breaks the line", () => {
    const d = linePath(tree, palette[0] as string);
    expect(d.match(/M/g)?.length).toBe(3); // [0, 1, 2], [4, 5], [7]
    expect(d.match(/L/g)?.length).toBe(3);
    expect(linePath(tree, palette[1] as string).match(/M/g)?.length).toBe(1);
    // the isolated last point still gets a dot
    const dots = allNodes(tree).filter((n) => n.tag === "path" && n.attrs.stroke === palette[0] && n.attrs["stroke-linecap"] === "round");
    expect(dots.map((n) => n.attrs.d?.match(/M/g)?.length)).toEqual([1]);
  });

  test("series take the palette's colours in order; dashed series are dashed", () => {
    const lines = allNodes(tree).filter((n) => n.tag === "path" && n.attrs.fill === "none" && n.attrs["stroke-width"] === "2");
    expect(lines.map((n) => n.attrs.stroke)).toEqual([palette[0], palette[1]]);
    expect(lines.map((n) => n.attrs["stroke-dasharray"])).toEqual([undefined, "6 3"]);
  });

  test("points map to the pixels the ticks say", () => {
    const one = parseXml(lineChart([{ name: "a", x: [0, 10], y: [0, 1] }], { markers: false }));
    const d = linePath(one, palette[0] as string);
    const [x0, y0, x1, y1] = (/M([\d.]+) ([\d.]+)L([\d.]+) ([\d.]+)/.exec(d) ?? []).slice(1).map(Number) as [number, number, number, number];
    const ticks = allNodes(one).filter((n) => n.tag === "g" && n.attrs["text-anchor"] === "middle")[0]?.children ?? [];
    const at = (label: string): number => Number(ticks.find((t) => t.text === label)?.attrs.x);
    expect(x0).toBeCloseTo(at("0"), 1);
    expect(x1).toBeCloseTo(at("10"), 1);
    expect(y1).toBeLessThan(y0); // up is larger
  });

  test("log scale: powers of ten around the data", () => {
    const t = parseXml(lineChart([{ name: "loss", y: [2.3, 0.5, 0.04, 0.011] }], { logY: true }));
    expect(tickLabels(t, "end")[0]).toEqual([0.01, 0.1, 1, 10]);
    expect(() => lineChart([{ name: "loss", y: [1, 0] }], { logY: true })).toThrow("lineChart: option 'logY' needs values > 0, series 'loss' has y[1] = 0");
  });

  test("any text is escaped into well-formed XML and reads back", () => {
    const anyText = fc.oneof(fc.string({ unit: "binary" }), fc.string({ unit: fc.constantFrom("<", ">", "&", '"', "'", "\u0001", "\uD800", "a", "é", "]]>") }));
    fc.assert(
      fc.property(anyText, anyText, anyText, (title, name, xLabel) => {
        const t = parseXml(lineChart([{ name, y: [1, 2] }], { title, xLabel }));
        const all = texts(t);
        for (const s of [title, name, xLabel]) if (s.replace(new RegExp(FORBIDDEN.source, "g"), "").trim() !== "") expect(all).toContain(s.replace(new RegExp(FORBIDDEN.source, "g"), ""));
      }),
      { numRuns: 200 },
    );
  });

  test("argument errors name the function and the argument", () => {
    expect(() => lineChart([{ name: "loss", x: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], y: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] }])).toThrow(
      new TypeError("lineChart: series 'loss' has 12 x values but 11 y values"),
    );
    expect(() => lineChart([])).toThrow(new RangeError("lineChart: argument 'series' is empty; pass at least one series"));
    expect(() => lineChart([{ name: "a", x: [0, Number.NaN], y: [1, 2] }])).toThrow("lineChart: series 'a' x[1] must be a finite number, got NaN");
    expect(() => lineChart([{ name: "a", y: ["1" as unknown as number] }])).toThrow("lineChart: series 'a' y[0] must be a number or undefined, got string");
    expect(() => lineChart([{ name: "a", y: [1] }], { width: 20 })).toThrow(new RangeError("lineChart: option 'width' must be in [120, 10000], got 20"));
    expect(() => lineChart([{ name: "a", y: [1] }], { width: 1e9 })).toThrow(RangeError);
    expect(() => lineChart([{ name: "a", y: [1] }], { height: 130, title: "t" })).toThrow(/lineChart: options 'width' 640 and 'height' 130 leave no room for the plot/);
  });

  test("values a chart cannot scale (beyond ±1e300, or below 1e-300 on a log axis) are refused, not drawn as NaN", () => {
    // before: the span 2e308 overflowed to Infinity and the SVG held NaN coordinates
    expect(() => lineChart([{ name: "a", y: [1e308, -1e308] }])).toThrow(new RangeError("lineChart: series 'a' y[0] = 1e+308 is beyond ±1e300, which a chart cannot scale"));
    expect(() => lineChart([{ name: "a", x: [0, -1e301], y: [1, 2] }])).toThrow(new RangeError("lineChart: series 'a' x[1] = -1e+301 is beyond ±1e300, which a chart cannot scale"));
    expect(() => lineChart([{ name: "a", y: [1e-320, 1] }], { logY: true })).toThrow(new RangeError("lineChart: option 'logY' needs values in [1e-300, 1e300], series 'a' has y[0] = 1e-320"));
    expect(() => trainingCurves([{ epoch: 1, loss: 1e308, accuracy: undefined, valLoss: -1e308, valAccuracy: undefined }])).toThrow(/^trainingCurves: series '.*' y\[0\] = .*1e\+308 is beyond ±1e300/);
    for (const svg of [lineChart([{ name: "a", y: [1e300, -1e300] }]), lineChart([{ name: "a", y: [1e-300, 1e300] }], { logY: true })]) expect(svg).not.toMatch(/NaN|Infinity/);
  });

  test("a chart holds at most MAX_POINTS points, all series together, refused before any is read", () => {
    const half = new Float64Array(MAX_POINTS / 2 + 1);
    const tooMany = new RangeError(`lineChart: argument 'series' has ${MAX_POINTS + 2} points, more than the ${MAX_POINTS} a chart may hold; pass fewer, e.g. every k-th point or the mean of every k`);
    expect(() =>
      lineChart([
        { name: "a", y: half },
        { name: "b", y: half },
      ]),
    ).toThrow(tooMany);
    // refused by its length: the bad value at the end is never reached (1e6 points drew a 13.4 MB SVG)
    const million = Object.assign(new Array<number>(1e6).fill(0), { [1e6 - 1]: "x" as unknown as number });
    expect(() => lineChart([{ name: "a", y: million }])).toThrow(`lineChart: argument 'series' has 1000000 points, more than the ${MAX_POINTS}`);
    // the limit itself draws: one path of MAX_POINTS points
    const svg = lineChart([{ name: "a", y: Float64Array.from({ length: MAX_POINTS }, (_, i) => Math.sin(i / 100)) }]);
    expect(linePath(parseXml(svg), palette[0] as string).match(/[ML]/g)).toHaveLength(MAX_POINTS);
  });
});

describe("trainingCurves", () => {
  const history = Array.from({ length: 12 }, (_, i) => ({
    epoch: i + 1,
    steps: 63 * (i + 1),
    loss: 0.5 * Math.exp(-i / 3) + 0.03,
    accuracy: 0.9 + 0.09 * (1 - Math.exp(-i / 3)),
    valLoss: i === 4 ? Number.NaN : 0.3 * Math.exp(-i / 4) + 0.08,
    valAccuracy: 0.92 + 0.05 * (1 - Math.exp(-i / 4)),
  }));

  test("a loss panel and an accuracy panel, training and held out in the legend", () => {
    const t = parseXml(trainingCurves(history, { title: "MNIST <784>" }));
    const all = texts(t);
    for (const s of ["MNIST <784>", "loss", "accuracy", "training", "held out", "epoch"]) expect(all).toContain(s);
    const [lossTicks, accTicks] = tickLabels(t, "end") as [number[], number[]];
    expect(lossTicks[0] as number).toBeLessThanOrEqual(0.03 + 0.5 * Math.exp(-11 / 3));
    expect(lossTicks[lossTicks.length - 1] as number).toBeGreaterThanOrEqual(0.53);
    expect(accTicks[0] as number).toBeLessThanOrEqual(0.9);
    expect(accTicks[accTicks.length - 1] as number).toBeGreaterThanOrEqual(0.99 - 0.09 * Math.exp(-11 / 3));
    // the held-out loss has a gap at epoch 5
    const heldLoss = allNodes(t).filter((n) => n.tag === "path" && n.attrs.stroke === palette[1] && n.attrs.fill === "none");
    expect(heldLoss.map((n) => n.attrs.d?.match(/M/g)?.length)).toEqual([2, 1]);
  });

  test("no accuracy panel for a regression; no held-out entry without validation", () => {
    const t = parseXml(trainingCurves(history.map((h) => ({ ...h, accuracy: undefined, valAccuracy: undefined, valLoss: undefined }))));
    const all = texts(t);
    expect(all).toContain("loss");
    expect(all).not.toContain("accuracy");
    expect(all).not.toContain("held out");
    expect(tickLabels(t, "end")).toHaveLength(1);
    expect(t.attrs.width).toBe("480");
  });

  test("one epoch still draws its points", () => {
    const t = parseXml(trainingCurves(history.slice(0, 1)));
    const dots = allNodes(t).filter((n) => n.tag === "path" && n.attrs["stroke-linecap"] === "round");
    expect(dots).toHaveLength(4);
  });

  test("argument errors", () => {
    expect(() => trainingCurves([])).toThrow(new RangeError("trainingCurves: argument 'history' is empty; pass fit's history after at least one epoch"));
    expect(() => trainingCurves([null as never])).toThrow("trainingCurves: history[0] must be a record");
    expect(() => trainingCurves(history, { logLoss: true, width: 50 })).toThrow("trainingCurves: option 'width' must be in [160, 10000], got 50");
    const long = Array.from({ length: MAX_POINTS + 1 }, (_, i) => ({ epoch: i + 1, loss: 1, accuracy: undefined, valLoss: undefined, valAccuracy: undefined }));
    expect(() => trainingCurves(long)).toThrow(
      new RangeError(`trainingCurves: argument 'history' has ${MAX_POINTS + 1} records, more than the ${MAX_POINTS} a chart may hold; pass fewer, e.g. every k-th record`),
    );
  });
});
