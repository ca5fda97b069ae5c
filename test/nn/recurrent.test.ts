/**
 * Recurrent cells and layers: each cell's step against plain loops (float64), the layers against
 * a loop of `cell.step`, their gradients by the law kit (dot product against central
 * differences) for every kind, with and without a mask; masking equals running the shorter
 * sequence; `bidirectional`'s backward half reads the sequence reversed; initialisation; errors
 * that name the layer.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { arbTensor } from "../../laws/arbitraries.js";
import { checkFunction } from "../../laws/checkFunction.js";
import { grad } from "../../src/autodiff/vjp.js";
import { dense } from "../../src/nn/dense.js";
import { bidirectional, type CellKind, gru, gruCell, lstm, lstmCell, recurrentNet, rnn, rnnCell } from "../../src/nn/recurrent.js";
import { add } from "../../src/ops/add.js";
import { mul } from "../../src/ops/mul.js";
import { reshape } from "../../src/ops/reshape.js";
import { slice } from "../../src/ops/slice.js";
import { sum } from "../../src/ops/sum.js";
import { tanh } from "../../src/ops/tanh.js";
import { fromArray, toFlat, zeros } from "../../src/tensor/create.js";
import { rng } from "../../src/tensor/random.js";
import type { Tensor } from "../../src/tensor/tensor.js";

const f64 = { dtype: "float64" } as const;
const flat = (t: Tensor): number[] => Array.from(toFlat(t));
const close = (a: readonly number[], b: readonly number[], tol = 1e-12): void => {
  expect(a.length).toBe(b.length);
  for (const [i, v] of a.entries()) expect(Math.abs(v - (b[i] as number))).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(v)));
};
const sig = (v: number): number => 1 / (1 + Math.exp(-v));
type U = { W: Tensor; U: Tensor; b: Tensor; bh?: Tensor };
const makers = { rnn: rnnCell, gru: gruCell, lstm: lstmCell } as const;
const layers = { rnn, gru, lstm } as const;
const kinds: CellKind[] = ["rnn", "gru", "lstm"];

/** Row-major matrix access. */
const M = (t: Tensor) => {
  const d = flat(t);
  const c = t.shape[1] as number;
  return (i: number, j: number): number => d[i * c + j] as number;
};

/** One step by plain loops: the table of the module comment. */
const refStep = (kind: CellKind, F: number, H: number, p: U, h: Tensor, c: Tensor | undefined, x: Tensor): { h: number[]; c?: number[] } => {
  const [W, Uu, b, X, Hm] = [M(p.W), M(p.U), M(p.b), M(x), M(h)];
  const bh = p.bh === undefined ? undefined : M(p.bh);
  const m = x.shape[0] as number;
  const G = { rnn: 1, gru: 3, lstm: 4 }[kind] * H;
  const hOut: number[] = [];
  const cOut: number[] = [];
  for (let i = 0; i < m; i++) {
    const zx = Array.from({ length: G }, (_, j) => b(0, j) + Array.from({ length: F }, (_, k) => X(i, k) * W(k, j)).reduce((s, v) => s + v, 0));
    const zh = Array.from({ length: G }, (_, j) => (bh === undefined ? 0 : bh(0, j)) + Array.from({ length: H }, (_, k) => Hm(i, k) * Uu(k, j)).reduce((s, v) => s + v, 0));
    for (let u = 0; u < H; u++) {
      if (kind === "rnn") hOut.push(Math.tanh((zx[u] as number) + (zh[u] as number)));
      else if (kind === "gru") {
        const r = sig((zx[u] as number) + (zh[u] as number));
        const z = sig((zx[H + u] as number) + (zh[H + u] as number));
        const n = Math.tanh((zx[2 * H + u] as number) + r * (zh[2 * H + u] as number));
        hOut.push((1 - z) * n + z * Hm(i, u));
      } else {
        const pre = (g: number) => (zx[g * H + u] as number) + (zh[g * H + u] as number);
        const [ig, fg, og, gg] = [sig(pre(0)), sig(pre(1)), sig(pre(2)), Math.tanh(pre(3))];
        const cn = fg * M(c as Tensor)(i, u) + ig * gg;
        cOut.push(cn);
        hOut.push(og * Math.tanh(cn));
      }
    }
  }
  return kind === "lstm" ? { h: hOut, c: cOut } : { h: hOut };
};

const arbSizes = fc.record({ T: fc.integer({ min: 1, max: 4 }), m: fc.integer({ min: 1, max: 3 }), F: fc.integer({ min: 1, max: 3 }), H: fc.integer({ min: 1, max: 3 }) });
const paramsArb = (kind: CellKind, F: number, H: number) => {
  const G = { rnn: 1, gru: 3, lstm: 4 }[kind] * H;
  const base = { W: arbTensor([F, G]), U: arbTensor([H, G]), b: arbTensor([1, G]) };
  return (kind === "gru" ? fc.record({ ...base, bh: arbTensor([1, G]) }) : fc.record(base)) as fc.Arbitrary<U>;
};

describe("cells", () => {
  for (const kind of kinds) {
    it(`${kind}Cell.step equals the plain loops of its formula (float64)`, () => {
      fc.assert(
        fc.property(
          arbSizes.chain(({ m, F, H }) => fc.record({ F: fc.constant(F), H: fc.constant(H), p: paramsArb(kind, F, H), h: arbTensor([m, H]), c: arbTensor([m, H]), x: arbTensor([m, F]) })),
          ({ F, H, p, h, c, x }) => {
            const cell = makers[kind](F, H) as unknown as { step: (p: U, s: unknown, x: Tensor) => Tensor | { h: Tensor; c: Tensor } };
            const out = cell.step(p, kind === "lstm" ? { h, c } : h, x);
            const want = refStep(kind, F, H, p, h, c, x);
            if (kind === "lstm") {
              const o = out as { h: Tensor; c: Tensor };
              close(flat(o.h), want.h);
              close(flat(o.c), want.c as number[]);
            } else close(flat(out as Tensor), want.h);
          },
        ),
        { numRuns: 20, seed: 1 },
      );
    });
  }

  it("initialises biases at 0 except the LSTM forget gate's, at 1; W and U Glorot-uniform per gate block", () => {
    const p = lstmCell(3, 4).init(rng(0), f64);
    expect(flat(p.b)).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
    const r = Math.sqrt(6 / (3 + 4));
    expect(flat(p.W).every((v) => Math.abs(v) <= r)).toBe(true);
    expect(p.W.shape).toEqual([3, 16]);
    const g = gruCell(3, 4).init(rng(0), f64);
    expect(flat(g.b).every((v) => v === 0) && flat(g.bh).every((v) => v === 0)).toBe(true);
  });
});

describe("layers", () => {
  for (const kind of kinds) {
    it(`${kind}: the layer equals a loop of cell.step; "sequence" stacks every h, "last" is the final one`, () => {
      fc.assert(
        fc.property(
          arbSizes.chain(({ T, m, F, H }) => fc.record({ F: fc.constant(F), H: fc.constant(H), p: paramsArb(kind, F, H), X: arbTensor([T, m, F]) })),
          ({ F, H, p, X }) => {
            const [T, m] = X.shape as [number, number, number];
            const cell = makers[kind](F, H) as unknown as { step: (p: U, s: unknown, x: Tensor) => unknown; initialState: (m: number, o: object) => unknown };
            let s = cell.initialState(m, f64);
            const hs: number[] = [];
            for (let t = 0; t < T; t++) {
              s = cell.step(p, s, reshape(slice(X as Tensor<[number, number, number]>, 0, t, t + 1), [m, F]));
              hs.push(...flat(kind === "lstm" ? (s as { h: Tensor }).h : (s as Tensor)));
            }
            const seq = layers[kind](F, H, { returns: "sequence" }) as unknown as { apply: (p: U, X: Tensor) => Tensor };
            const last = layers[kind](F, H) as unknown as { apply: (p: U, X: Tensor) => Tensor };
            close(flat(seq.apply(p, X)), hs);
            close(flat(last.apply(p, X)), hs.slice((T - 1) * m * H));
          },
        ),
        { numRuns: 15, seed: 2 },
      );
    });

    it(`${kind}: gradient laws (dot product against central differences, float64), with and without a mask`, () => {
      const arb = arbSizes.chain(({ T, m, F, H }) =>
        fc.record({
          p: paramsArb(kind, F, H),
          X: arbTensor([T, m, F]),
          mask: fc.array(fc.constantFrom(0, 1), { minLength: T * m, maxLength: T * m }).map((d) => fromArray([T, m], d, f64)),
          H: fc.constant(H),
        }),
      );
      const cost =
        (masked: boolean) =>
        (q: { p: U; X: Tensor; mask: Tensor; H: number }): Tensor<[]> => {
          const l = layers[kind](q.X.shape[2] as number, q.H, { returns: "sequence" }) as unknown as { apply: (p: U, X: Tensor, r?: object) => Tensor };
          const ys = l.apply(q.p, q.X, masked ? { mask: q.mask } : {});
          return sum(mul(tanh(ys), ys)) as Tensor<[]>;
        };
      // the mask is data (0/1), not a parameter: hold it fixed by differentiating in p and X only
      const wrt = (masked: boolean) => (q: { p: U; X: Tensor; mask: Tensor; H: number }) =>
        checkFunction((r: { p: U; X: Tensor }) => cost(masked)({ ...q, ...r }), fc.constant({ p: q.p, X: q.X }), { numRuns: 1, seed: 3 }).every((o) => o.ok);
      fc.assert(
        fc.property(arb, (q) => wrt(false)(q) && wrt(true)(q)),
        { numRuns: 8, seed: 4 },
      );
    });
  }

  it("masking: a padded sequence's last state and outputs equal those of the unpadded one", () => {
    const g = rng(5);
    const l = lstm(2, 3);
    const ls = lstm(2, 3, { returns: "sequence" });
    const p = l.init(g, f64);
    const X = fromArray(
      [4, 2, 2],
      Array.from({ length: 16 }, (_, i) => Math.sin(i)),
      f64,
    ) as Tensor<[4, 2, 2]>;
    // example 0 has 4 steps, example 1 has 2 (padded with 2)
    const mask = fromArray([4, 2], [1, 1, 1, 1, 1, 0, 1, 0], f64);
    const last = flat(l.apply(p, X, { mask }));
    const short = reshape(slice(slice(X, 0, 0, 2), 1, 1, 2), [2, 1, 2]) as Tensor<[2, 1, 2]>;
    close(last.slice(3), flat(l.apply(p, short)));
    close(last.slice(0, 3), flat(l.apply(p, reshape(slice(X, 1, 0, 1), [4, 1, 2]) as Tensor<[4, 1, 2]>)));
    const ys = flat(ls.apply(p, X, { mask }));
    expect(ys.slice(2 * 6 + 3, 2 * 6 + 6).map(Math.abs)).toEqual([0, 0, 0]); // step 2 of example 1 is padding: output 0
  });

  it("bidirectional: forward half is the layer, backward half the reverse layer, which reads the sequence reversed", () => {
    const b = bidirectional(gru(2, 3, { returns: "sequence" }));
    const p = b.init(rng(6), f64);
    const X = fromArray(
      [5, 1, 2],
      Array.from({ length: 10 }, (_, i) => Math.cos(i)),
      f64,
    ) as Tensor<[5, 1, 2]>;
    const out = b.apply(p, X);
    expect(out.shape).toEqual([5, 1, 6]);
    const fwd = flat(gru(2, 3, { returns: "sequence" }).apply(p.forward, X));
    const rev = fromArray(
      [5, 1, 2],
      [4, 3, 2, 1, 0].flatMap((t) => flat(X).slice(2 * t, 2 * t + 2)),
      f64,
    ) as Tensor<[5, 1, 2]>;
    const bwdOnReversed = flat(gru(2, 3, { returns: "sequence" }).apply(p.backward, rev));
    const o = flat(out);
    for (let t = 0; t < 5; t++) {
      close(o.slice(6 * t, 6 * t + 3), fwd.slice(3 * t, 3 * t + 3));
      close(o.slice(6 * t + 3, 6 * t + 6), bwdOnReversed.slice(3 * (4 - t), 3 * (4 - t) + 3));
    }
  });

  it("recurrentNet chains a body into a dense head, differentiably", () => {
    const net = recurrentNet(bidirectional(rnn(2, 3)), dense(6, 2, { layout: "rows" }));
    const p = net.init(rng(7), f64);
    const X = zeros([3, 4, 2], f64);
    expect(net.apply(p, X).shape).toEqual([4, 2]);
    const g = grad((q: typeof p) => sum(net.apply(q, add(X, 1))) as Tensor<[]>)(p);
    expect(g.body.backward.U.shape).toEqual([3, 3]);
    expect(flat(g.head.W).some((v) => v !== 0)).toBe(true);
  });

  it("names the layer and the argument when misused", () => {
    const l = lstm(3, 4);
    const p = l.init(rng(0));
    expect(() => l.apply(p, zeros([5, 2, 7]) as never)).toThrow(/lstm\.apply: X has shape \[5, 2, 7\], expected time-major \[T, m, 3\]/);
    expect(() => l.apply(lstm(3, 5).init(rng(0)) as never, zeros([5, 2, 3]))).toThrow(/lstm\.apply: params\.W has shape \[3, 20\], expected \[3, 16\]/);
    expect(() => l.apply(p, zeros([5, 2, 3]), { mask: zeros([5, 3]) })).toThrow(/lstm\.apply: option 'mask' must be \[5, 2\]/);
    expect(() => gru(3, 4).apply(gru(3, 4).init(rng(0)), zeros([5, 2, 3]), { initial: zeros([2, 5]) })).toThrow(/gru\.apply: the state's h has shape \[2, 5\], expected \[2, 4\]/);
    expect(() => lstm(0, 4)).toThrow(/lstmCell: argument 'nIn' must be an integer ≥ 1/);
    expect(() => lstm(3, 4, { returns: "all" as never })).toThrow(/lstm: option 'returns' must be "last" or "sequence"/);
    expect(() => recurrentNet(lstm(3, 4), dense(5, 2, { layout: "rows" }) as never)).toThrow(/recurrentNet: the head takes 5 inputs but the lstm gives 4/);
    expect(() => recurrentNet(lstm(3, 4), dense(4, 2) as never)).toThrow(/recurrentNet: argument 'head' must have layout 'rows'/);
    expect(() => bidirectional(lstm(3, 4, { reverse: true }))).toThrow(/bidirectional: argument 'layer' must read forwards/);
  });
});
