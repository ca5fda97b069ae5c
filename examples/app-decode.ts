/**
 * An app-facing boundary: untrusted JSON comes in, is decoded by io-ts into a typed tensor
 * (`Tensor<[2, "m"]>`: two features, any number of points), and a small trained model runs on
 * it. A bad request never reaches the model: it is answered with the decoder's errors, drawn as
 * text only here, at the edge (`x: index 1: row has 2 values, expected 3`).
 *
 * The model is a logistic regression trained inline with `valueAndGrad` on two seeded Gaussian
 * blobs. The example checks its claims and exits non-zero if one fails.
 *
 * Run: npx tsx examples/app-decode.ts   (TYPEGRAD_QUICK=1 for fewer training steps)
 */
import * as E from "fp-ts/lib/Either.js";
import * as t from "io-ts";
import {
  add,
  bindingWith,
  draw,
  fromArray,
  fromValidationErrors,
  item,
  logLossFromLogits,
  matmul,
  mul,
  randn,
  rng,
  sigmoid,
  sub,
  type Tensor,
  tensorCodec,
  toFlat,
  valueAndGrad,
  withShape,
  zeros,
} from "typegrad";

const quick = process.env.TYPEGRAD_QUICK === "1";
const failures: string[] = [];
const claim = (what: string, ok: boolean): void => {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) failures.push(what);
};

// -------------------------------------------------------------------------------------
// a tiny model, trained inline
// -------------------------------------------------------------------------------------

type Params = { W: Tensor<[1, 2]>; b: Tensor<[1, 1]> };

/** Logits of the model for points `x` (one column per point). */
const logits = (p: Params, x: Tensor<[2, "m"]>): Tensor<[1, "m"]> => add(matmul(p.W, x), p.b);

const cost = (p: Params, X: Tensor<[2, "m"]>, Y: Tensor<[1, "m"]>): Tensor<[]> => logLossFromLogits(logits(p, X), Y);

/** Two blobs: class 1 around (1.5, 1.5), class 0 around (−1.5, −1.5). */
const blobs = (m: number, seed: number): { X: Tensor<[2, "m"]>; Y: Tensor<[1, "m"]> } => {
  const noise = toFlat(randn(rng(seed), [2, m]));
  const y = Array.from({ length: m }, (_, j) => j % 2);
  const x = Array.from(noise, (v, i) => v + ((y[i % m] as number) === 1 ? 1.5 : -1.5));
  const b = bindingWith({ m }, "the training set");
  return { X: withShape(fromArray([2, m], x), [2, "m"], b), Y: withShape(fromArray([1, m], y), [1, "m"], b) };
};

const { X, Y } = blobs(200, 7);
let params: Params = { W: zeros([1, 2]), b: zeros([1, 1]) };
const steps = quick ? 60 : 400;
const lr = 0.5;
const J0 = item(cost(params, X, Y));
let J = J0;
const costAndGrad = valueAndGrad(cost);
for (let i = 0; i < steps; i++) {
  const [value, g] = costAndGrad(params, X, Y);
  J = item(value);
  params = { W: sub(params.W, mul(g.W, lr)), b: sub(params.b, mul(g.b, lr)) };
}
console.log(`trained ${steps} steps: cost ${J0.toFixed(4)} -> ${J.toFixed(4)}`);
claim("training lowers the cost", J < J0 * 0.5);
const predicted = Array.from(toFlat(sigmoid(logits(params, X))), (p) => (p > 0.5 ? 1 : 0));
const accuracy = predicted.filter((p, j) => p === toFlat(Y)[j]).length / predicted.length;
console.log(`training accuracy ${(accuracy * 100).toFixed(1)}%`);
claim("training accuracy is at least 95%", accuracy >= 0.95);

// -------------------------------------------------------------------------------------
// the boundary: untrusted JSON in, a typed tensor or the errors out
// -------------------------------------------------------------------------------------

/** A request: an id and the points to classify, two rows (features) and one column per point. */
const PredictRequest = t.type({ id: t.string, x: tensorCodec([2, "m"]) });

interface Response {
  readonly status: 200 | 400;
  readonly body: string;
}

/** The handler: parse, decode, run the model, or answer 400 with every error. */
const handle = (raw: string): Response => {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (e) {
    return { status: 400, body: `not JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
  const decoded = PredictRequest.decode(json);
  if (E.isLeft(decoded)) return { status: 400, body: draw(fromValidationErrors(decoded.left)) };
  const { id, x } = decoded.right; // x: Tensor<[2, "m"]>
  const p = Array.from(toFlat(sigmoid(logits(params, x))), (v) => Math.round(v * 1000) / 1000);
  return { status: 200, body: JSON.stringify({ id, probabilities: p }) };
};

const show = (label: string, raw: string): Response => {
  const r = handle(raw);
  console.log(`\n${label}\n  request:  ${raw}\n  response: ${r.status}\n${r.body.replace(/^/gm, "    ")}`);
  return r;
};

const good = show(
  "a good request",
  JSON.stringify({
    id: "r1",
    x: [
      [2, -2, 1.8],
      [1.5, -1, 2.2],
    ],
  }),
);
const probs = good.status === 200 ? (JSON.parse(good.body) as { probabilities: number[] }).probabilities : [];
claim("a good request is answered 200 with one probability per point", good.status === 200 && probs.length === 3);
claim("points deep in each blob are classified correctly", (probs[0] ?? 0) > 0.9 && (probs[1] ?? 1) < 0.1 && (probs[2] ?? 0) > 0.9);

const flat = show("the same points in the flat form", JSON.stringify({ id: "r2", x: { shape: [2, 3], data: [2, -2, 1.8, 1.5, -1, 2.2] } }));
claim("the flat form gives the same answer", flat.status === 200 && (JSON.parse(flat.body) as { probabilities: number[] }).probabilities.join() === probs.join());

const expectations: [string, string, string][] = [
  [
    "a ragged row",
    JSON.stringify({
      id: "r3",
      x: [
        [1, 2, 3],
        [4, 5],
      ],
    }),
    "x: index 1: row has 2 values, expected 3",
  ],
  ["three features instead of two", JSON.stringify({ id: "r4", x: [[1], [2], [3]] }), "x: dim 0 is 3, expected 2"],
  [
    "a string, a null, an infinity and a missing id",
    '{"x": [[1, "NaN"], [null, 1e999]]}',
    'id: expected string, got undefined\nx: index 0: index 1: expected a number, got "NaN"\nx: index 1: index 0: expected a number, got null\nx: index 1: index 1: Infinity is not finite (allow with { allowNonFinite: true })',
  ],
  ["a vector instead of a matrix", JSON.stringify({ id: "r5", x: [1, 2] }), "x: rank 1 [2], expected rank 2 [2, 'm']"],
];
for (const [label, raw, expected] of expectations) {
  const r = show(`a bad request: ${label}`, raw);
  claim(`${label}: 400 with the exact error`, r.status === 400 && r.body === expected);
}
const notJson = show("a bad request: not JSON", "{x: [[1]]}");
claim("not JSON: 400", notJson.status === 400 && notJson.body.startsWith("not JSON: "));

if (failures.length > 0) {
  console.error(`\n${failures.length} claim(s) failed`);
  process.exit(1);
}
console.log("\nall claims hold");
