/**
 * L2's weight filter sees each leaf's dotted path (`W1`, `layers.0.W`, `0.W` for a top-level
 * array, `""` for a lone tensor), as `WeightFilter` documents: a filter of your own may pick
 * weights by any part of the path, not only its last name.
 */
import { describe, expect, test } from "vitest";
import { addL2Grads, l2Penalty } from "../../src/optim/index.js";
import { item, tensor } from "../../src/tensor/create.js";

const f64 = { dtype: "float64" } as const;
const t = (v: number) => tensor([v], f64);
const recorder = (pick: (path: string) => boolean) => {
  const seen: string[] = [];
  const filter = (path: string): boolean => {
    seen.push(path);
    return pick(path);
  };
  return { seen, filter };
};

describe("L2's weight filter gets the leaf's full path", () => {
  test("records and arrays nested in records", () => {
    const params = {
      W1: t(1),
      layers: [
        { W: t(2), b: t(3) },
        { W: t(4), b: t(5) },
      ],
      head: { Wout: t(6) },
    };
    const paths = ["W1", "layers.0.W", "layers.0.b", "layers.1.W", "layers.1.b", "head.Wout"];
    const r = recorder((p) => p === "layers.1.W" || p.startsWith("head."));
    // λ = 2, m = 1: the penalty is Σ w² over what the filter picks
    expect(item(l2Penalty(params as never, 2, 1, r.filter))).toBe(16 + 36);
    expect(r.seen).toEqual(paths);
    const zero = {
      W1: t(0),
      layers: [
        { W: t(0), b: t(0) },
        { W: t(0), b: t(0) },
      ],
      head: { Wout: t(0) },
    };
    const g = recorder((p) => p === "layers.1.W");
    const out = addL2Grads(params as never, zero as never, 2, 1, g.filter) as typeof params;
    expect(g.seen).toEqual(paths);
    expect([out.W1, out.layers[0]?.W, out.layers[1]?.W, out.layers[1]?.b, out.head.Wout].map((x) => item(x as never))).toEqual([0, 0, 8, 0, 0]);
  });

  test("a top-level array numbers its leaves from 0, with no leading dot; a lone tensor has the empty path", () => {
    const r = recorder((p) => p === "0.W" || p === "2");
    expect(item(l2Penalty([{ W: t(3), b: t(1) }, { W: t(5) }, t(7)] as never, 2, 1, r.filter))).toBe(9 + 49);
    expect(r.seen).toEqual(["0.W", "0.b", "1.W", "2"]);
    const lone = recorder(() => true);
    expect(item(l2Penalty(t(2) as never, 2, 1, lone.filter))).toBe(4);
    expect(lone.seen).toEqual([""]);
  });

  test("a field holding undefined (an optional parameter left out) is no leaf, not even for a filter that takes every path", () => {
    const all = recorder(() => true);
    expect(item(l2Penalty({ W: t(3), b: undefined, layers: [{ W: t(2), alpha: undefined }] } as never, 2, 1, all.filter))).toBe(9 + 4);
    expect(all.seen).toEqual(["W", "layers.0.W"]);
  });

  test("the default filter: the last name starts with W", () => {
    expect(item(l2Penalty([{ W: t(3), b: t(1) }, { Wx: t(5), aW: t(2) }, { W: { b: t(9) } }] as never, 2, 1))).toBe(9 + 25);
    expect(item(l2Penalty(t(2) as never, 2, 1))).toBe(0);
  });
});
