/**
 * Which axis holds the examples, and the shape of a batch in each convention of the course:
 * columns are examples (`[n, "m"]`, `Z = W·A + b`, the default) or rows are examples
 * (`["m", n]`, `Z = X·W + b`, seed 000). Layers, losses, data and training all read this one
 * definition.
 *
 * @module
 */

/** Which axis holds the examples: `"columns"` (`[n, "m"]`, the course's default) or `"rows"` (`["m", n]`). @category model */
export type Layout = "columns" | "rows";

/** The shape of a batch of `M` examples of width `N` in layout `L`. @category model */
export type Batch<L extends Layout, N extends string | number, M extends string | number> = L extends "rows" ? [M, N] : [N, M];
