/**
 * Raster images as vector paths: each row of a grid of colours is cut into runs of equal colour,
 * and all runs of one colour become one `<path>` of rectangles (one coverage mask per colour,
 * so no seams inside a region, and far smaller than a `<rect>` per cell).
 *
 * @module
 */
import { el, fmt } from "./svg.js";

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/** Path data of rectangles, gathered per fill colour in first-seen order. @category model */
export type Runs = Map<string, string[]>;

// -------------------------------------------------------------------------------------
// operations
// -------------------------------------------------------------------------------------

/**
 * Adds the runs of a `cols × rows` grid to `runs`: cell `(c, r)` has colour `colourAt(c, r)`
 * (`undefined` leaves it unpainted) and covers `[x + c·w, x + (c+1)·w] × [y + r·h, y + (r+1)·h]`.
 *
 * @example
 * const runs = new Map()
 * addRuns(runs, 3, 1, (c) => (c < 2 ? "#000000" : undefined), { x: 0, y: 0, w: 1, h: 1 })
 * runs.get("#000000") // ["M0 0h2v1h-2z"]
 * @category operations
 */
export const addRuns = (
  runs: Runs,
  cols: number,
  rows: number,
  colourAt: (c: number, r: number) => string | undefined,
  at: { readonly x: number; readonly y: number; readonly w: number; readonly h: number },
): void => {
  for (let r = 0; r < rows; r++) {
    let c = 0;
    while (c < cols) {
      const colour = colourAt(c, r);
      let end = c + 1;
      while (end < cols && colourAt(end, r) === colour) end++;
      if (colour !== undefined) {
        const len = fmt((end - c) * at.w);
        const d = `M${fmt(at.x + c * at.w)} ${fmt(at.y + r * at.h)}h${len}v${fmt(at.h)}h-${len}z`;
        const list = runs.get(colour);
        if (list === undefined) runs.set(colour, [d]);
        else list.push(d);
      }
      c = end;
    }
  }
};

/** One `<path>` per colour. @example runsToPaths(new Map([["#000000", ["M0 0h1v1h-1z"]]])) // "<path fill=\"#000000\" d=\"M0 0h1v1h-1z\"/>" @category operations */
export const runsToPaths = (runs: Runs): string => [...runs].map(([fill, ds]) => el("path", { fill, d: ds.join("") })).join("\n");
