/**
 * Seed 002: why deep? The parity (XOR) of n bits, computed exactly by three ReLU networks built
 * from the library's `dense` layers with weights set by hand, and the parameters each needs:
 *
 * - shallow, one hidden unit per odd pattern (the classic one-hidden-layer circuit, a sum of
 *   minterm detectors): 2^(n−1) hidden units;
 * - shallow, counting: unit k fires `relu(Σx − k + 1)` and the output alternates their
 *   contributions (`+1, −2, +2, …`): n hidden units, but each sees every input, n² weights;
 * - deep, a binary tree of XORs, `xor(a, b) = relu(a + b) − 2 relu(a + b − 1)`: log₂ n hidden
 *   layers, 2(n − 1) units of fan-in 2, O(n) non-zero weights.
 *
 * The networks are exact on every input, so the comparison is about what each architecture can
 * express with how many parameters (the seed's argument), not about what gradient descent finds.
 *
 * Run: `npx tsx examples/parity.ts`
 */
import { type AnyDense, dense, fromArray, labels, parity, type Tensor, toFlat, toTensors } from "typegrad";
import { claim, done, quick } from "./lib/check.js";

type Net = { readonly layers: readonly AnyDense[]; readonly params: readonly { readonly W: Tensor; readonly b: Tensor }[] };

const run = (net: Net, X: Tensor): Tensor => net.layers.reduce((A, l, k) => l.apply(net.params[k] as never, A as never) as Tensor, X);
const denseParams = (net: Net) => net.params.reduce((s, p) => s + p.W.size + p.b.size, 0);
const nonZero = (net: Net) => net.params.reduce((s, p) => s + [...toFlat(p.W), ...toFlat(p.b)].filter((v) => v !== 0).length, 0);
const hiddenUnits = (net: Net) => net.layers.slice(0, -1).reduce((s, l) => s + l.nOut, 0);
const f64 = { dtype: "float64" } as const;
const W = (rows: number[][]) => fromArray([rows.length, (rows[0] as number[]).length], rows.flat(), f64);
const col = (v: number[]) => fromArray([v.length, 1], v, f64);

/** One hidden unit per odd-parity pattern p: relu(Σ s_j x_j − (|p| − 1)) is 1 exactly at x = p. */
const minterms = (n: number): Net => {
  const odd = Array.from({ length: 2 ** n }, (_, i) => i).filter((i) => (i.toString(2).split("1").length - 1) % 2 === 1);
  const rows = odd.map((i) => Array.from({ length: n }, (_, j) => ((i >> j) & 1 ? 1 : -1)));
  const bias = odd.map((i) => 1 - (i.toString(2).split("1").length - 1));
  return {
    layers: [dense(n, odd.length, { activation: "relu" }), dense(odd.length, 1)],
    params: [
      { W: W(rows), b: col(bias) },
      { W: W([odd.map(() => 1)]), b: col([0]) },
    ],
  };
};

/** n units counting the ones: Σ_k a_k relu(Σx − k + 1) with a = 1, −2, 2, −2, … */
const counting = (n: number): Net => ({
  layers: [dense(n, n, { activation: "relu" }), dense(n, 1)],
  params: [
    { W: W(Array.from({ length: n }, () => Array.from({ length: n }, () => 1))), b: col(Array.from({ length: n }, (_, k) => -k)) },
    { W: W([Array.from({ length: n }, (_, k) => (k === 0 ? 1 : k % 2 === 1 ? -2 : 2))]), b: col([0]) },
  ],
});

/** A tree of XORs over pairs: each level halves the width; xor(a, b) = relu(a+b) − 2 relu(a+b−1). */
const tree = (n: number): Net => {
  const layers: AnyDense[] = [];
  const params: { W: Tensor; b: Tensor }[] = [];
  // the values entering a level are linear combinations of the previous level's units: combine[i] = [(unit, coef)]
  let width = n;
  let combine: [number, number][][] = Array.from({ length: n }, (_, i) => [[i, 1]]);
  let inputs = n;
  while (width > 1) {
    const pairs = width / 2;
    const rows: number[][] = [];
    const bias: number[] = [];
    for (let q = 0; q < pairs; q++) {
      const row = new Array<number>(inputs).fill(0);
      for (const [u, c] of [...(combine[2 * q] ?? []), ...(combine[2 * q + 1] ?? [])]) row[u] = (row[u] as number) + c;
      rows.push(row, row.slice());
      bias.push(0, -1);
    }
    layers.push(dense(inputs, 2 * pairs, { activation: "relu" }));
    params.push({ W: W(rows), b: col(bias) });
    combine = Array.from({ length: pairs }, (_, q) => [
      [2 * q, 1],
      [2 * q + 1, -2],
    ]);
    inputs = 2 * pairs;
    width = pairs;
  }
  const out = new Array<number>(inputs).fill(0);
  for (const [u, c] of combine[0] ?? []) out[u] = c;
  layers.push(dense(inputs, 1));
  params.push({ W: W([out]), b: col([0]) });
  return { layers, params };
};

const n = quick ? 4 : 8; // a power of two, for the tree
const data = parity(n);
const { X } = toTensors(data, "columns", f64);
const truth = labels(data);
const rowsOut: string[] = [];
const nets: [string, Net][] = [
  ["shallow (minterms)", minterms(n)],
  ["shallow (counting)", counting(n)],
  ["deep (XOR tree)", tree(n)],
];
for (const [name, net] of nets) {
  const out = Array.from(toFlat(run(net, X)));
  const exact = out.every((v, i) => v === truth[i]);
  claim(exact, `${name}: computes the parity of all ${2 ** n} patterns of ${n} bits exactly`);
  rowsOut.push(`${name.padEnd(20)} ${String(net.layers.length - 1).padStart(6)} ${String(hiddenUnits(net)).padStart(8)} ${String(denseParams(net)).padStart(14)} ${String(nonZero(net)).padStart(16)}`);
}
console.log(`\nparity of ${n} bits       hidden    units   dense params   non-zero weights`);
for (const r of rowsOut) console.log(r);
const [mint, count, deep] = nets.map(([, net]) => net) as [Net, Net, Net];
claim(hiddenUnits(mint) === 2 ** (n - 1), `the one-hidden-layer circuit of minterms needs 2^(n−1) = ${2 ** (n - 1)} units`);
claim(hiddenUnits(deep) === 2 * (n - 1) && deep.layers.length - 1 === Math.log2(n), `the tree needs 2(n − 1) = ${2 * (n - 1)} units in log₂ n = ${Math.log2(n)} hidden layers`);
claim(nonZero(deep) < nonZero(count) && nonZero(count) < nonZero(mint), `non-zero weights: deep ${nonZero(deep)} < counting ${nonZero(count)} < minterms ${nonZero(mint)}`);

done("parity");
