/**
 * Colours: the Okabe–Ito palette (distinguishable with the common colour-vision deficiencies),
 * ordered for lines on white, light tints of it for filled regions, and 8-bit grays.
 *
 * @module
 */

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * The series and class colours, in order: blue, orange, bluish green, vermillion, reddish purple,
 * sky blue, yellow, black (Okabe & Ito, "Color Universal Design"). Series and classes beyond
 * eight reuse them.
 *
 * @example
 * import { palette } from "typegrad/plot"
 * palette.length // 8
 * palette[0] // "#0072b2"
 * @category model
 */
export const palette: readonly string[] = ["#0072b2", "#e69f00", "#009e73", "#d55e00", "#cc79a7", "#56b4e9", "#f0e442", "#000000"];

/** The colour that marks a wrong prediction (vermillion). @example ALERT // "#d55e00" @category model */
export const ALERT = "#d55e00";

/** Text and axes. @example INK // "#222222" @category model */
export const INK = "#222222";

/** Grid lines and frames. @example FAINT // "#e3e3e3" @category model */
export const FAINT = "#e3e3e3";

// -------------------------------------------------------------------------------------
// operations
// -------------------------------------------------------------------------------------

/** The colour of series or class `i`. @example colourOf(9) // "#e69f00" @category operations */
export const colourOf = (i: number): string => palette[i % palette.length] as string;

const hex2 = (v: number): string =>
  Math.round(Math.min(255, Math.max(0, v)))
    .toString(16)
    .padStart(2, "0");

/** `a` mixed with `b`: `t = 0` is `a`, `t = 1` is `b` (both `#rrggbb`). @example mix("#000000", "#ffffff", 0.5) // "#808080" @category operations */
export const mix = (a: string, b: string, t: number): string => {
  const ch = (c: string, k: number): number => Number.parseInt(c.slice(1 + 2 * k, 3 + 2 * k), 16);
  return `#${[0, 1, 2].map((k) => hex2(ch(a, k) + (ch(b, k) - ch(a, k)) * t)).join("")}`;
};

/** A light tint of colour `c` for a region under data points. @example tint("#0072b2") // "#b3d5e8" @category operations */
export const tint = (c: string): string => mix(c, "#ffffff", 0.7);

/** The gray of level `g` in `[0, 255]` (0 black). @example gray(255) // "#ffffff" @category operations */
export const gray = (g: number): string => {
  const h = hex2(g);
  return `#${h}${h}${h}`;
};
