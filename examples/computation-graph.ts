/**
 * Seed 003's computation graph: J(a, b, c) = 3(a + bc), with u = bc, v = a + u, J = 3v.
 * The derivatives flow right to left (dJ/dv = 3, dJ/du = dJ/dv · dv/du = 3, ...); `grad`
 * computes exactly that chain rule, and this example checks it against the hand derivation.
 *
 * Run: npx tsx examples/computation-graph.ts
 */
import { pipe } from "fp-ts/lib/function.js";
import { add, grad, item, mul, type Tensor, tensor, valueAndGrad } from "typegrad";

type Inputs = { a: Tensor<[]>; b: Tensor<[]>; c: Tensor<[]> };

/** The graph, one node per line, as in the course. */
const J = ({ a, b, c }: Inputs): Tensor<[]> => {
  const u = mul(b, c);
  const v = add(a, u);
  return mul(3, v);
};

/** The same graph written data-last with `pipe`. */
const Jpiped = ({ a, b, c }: Inputs): Tensor<[]> => pipe(b, mul(c), add(a), mul(3));

const at = { a: tensor(5), b: tensor(3), c: tensor(2) };
const [value, g] = valueAndGrad(J)(at);

// By hand, right to left: dJ/dv = 3; dJ/da = dJ/dv · dv/da = 3; dJ/du = 3;
// dJ/db = dJ/du · du/db = 3c; dJ/dc = dJ/du · du/dc = 3b.
const [a, b, c] = [item(at.a), item(at.b), item(at.c)];
const byHand = { J: 3 * (a + b * c), a: 3, b: 3 * c, c: 3 * b };

console.log(`J(a=${a}, b=${b}, c=${c}) = ${item(value)}   (by hand: ${byHand.J})`);
console.log(`dJ/da = ${item(g.a)}   (by hand: 3)`);
console.log(`dJ/db = ${item(g.b)}   (by hand: 3c = ${byHand.b})`);
console.log(`dJ/dc = ${item(g.c)}   (by hand: 3b = ${byHand.c})`);

const checks: [string, number, number][] = [
  ["J", item(value), byHand.J],
  ["dJ/da", item(g.a), byHand.a],
  ["dJ/db", item(g.b), byHand.b],
  ["dJ/dc", item(g.c), byHand.c],
  ["J (pipe)", item(Jpiped(at)), byHand.J],
  ["dJ/db (pipe)", item(grad(Jpiped)(at).b), byHand.b],
];
for (const [name, got, want] of checks) {
  if (got !== want) throw new Error(`computation-graph: ${name} is ${got}, the hand chain rule gives ${want}`);
}
console.log("grad agrees with the hand chain rule.");
