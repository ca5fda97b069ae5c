/**
 * `mapParams` and `leafwiseOptimizer`: Adam written by hand with them gives the built-in `adam`'s
 * parameters bit for bit over several steps; a hand-made optimizer trains with `fit`; trees of
 * another structure, bad leaf functions and bad options are refused, naming the function, the
 * argument and the first differing place.
 */
import { describe, expect, test } from "vitest";
import {
  adam,
  add,
  div,
  grad,
  leafwiseOptimizer,
  logLossFromLogits,
  mapParams,
  mlp,
  mul,
  type Params,
  rng,
  sqrt,
  sub,
  type Tensor,
  tensor,
  toArray,
  fit as train,
  xor,
  zerosLike,
} from "../../src/index.js";

const bad = (x: unknown): never => x as never;
const b1 = 0.9;
const b2 = 0.999;
const eps = 1e-8;
const lr = 0.01;

/** Adam by hand over whole trees: three `mapParams`, as the course writes it. */
const adamByHand = <P extends Params>(params: P, grads: P, m: P, v: P, t: number): [P, P, P] => {
  const m2 = mapParams((m, g) => add(mul(m, b1), mul(g, 1 - b1)), m, grads);
  const v2 = mapParams((v, g) => add(mul(v, b2), mul(mul(g, g), 1 - b2)), v, grads);
  const step = lr / (1 - b1 ** t);
  const w2 = mapParams((w, m, v) => sub(w, div(mul(m, step), add(sqrt(div(v, 1 - b2 ** t)), eps))), params, m2, v2);
  return [w2, m2, v2];
};

const net = mlp([2, 8, 1]);
const data = xor(rng(1));
const X = tensor([
  [0, 0, 1, 1],
  [0, 1, 0, 1],
]);
const Y = tensor([[0, 1, 1, 0]]);
type NetParams = ReturnType<typeof net.init>;
const lossOf = (p: NetParams): NetParams => grad((q: NetParams) => logLossFromLogits(net.apply(q, X), Y))(p);

describe("mapParams", () => {
  test("Adam by hand matches the built-in adam bit for bit over 5 steps", () => {
    const p0 = net.init(rng(2));
    const opt = adam(lr, b1, b2, eps);
    let [pa, sa] = [p0, opt.init(p0)];
    let [pb, m, v] = [p0, mapParams(zerosLike, p0), mapParams(zerosLike, p0)];
    for (let t = 1; t <= 5; t++) {
      [pa, sa] = opt.step(pa, lossOf(pa), sa);
      [pb, m, v] = adamByHand(pb, lossOf(pb), m, v, t);
      expect(toArray(pb.W1)).not.toEqual(toArray(p0.W1));
      for (const k of Object.keys(pa) as (keyof typeof pa)[]) expect(toArray(pb[k] as Tensor)).toEqual(toArray(pa[k] as Tensor));
    }
  });
  test("keeps the structure: nested records and arrays, an undefined field left out", () => {
    // an optional parameter left out at run time (as a checkpoint or a JavaScript caller may give it)
    const p: { layers: { W: Tensor }[]; s: Tensor<[1, 1]> } = { layers: [{ W: tensor([1, 2]) }, bad({ W: tensor([3]), b: undefined })], s: tensor([[5]]) };
    const r = mapParams((w, g) => add(w, g), p, p);
    expect(toArray(r.layers[0]?.W as Tensor)).toEqual([2, 4]);
    expect(toArray(r.layers[1]?.W as Tensor)).toEqual([6]);
    expect("b" in (r.layers[1] as object)).toBe(false);
    expect(toArray(r.s)).toEqual([[10]]);
    expect(toArray(mapParams((w) => mul(w, 3), tensor([1])))).toEqual([3]);
  });
  test("pairs a record's fields by name when another tree gives them in another order", () => {
    // before: the leaves were paired in each tree's own order, so W met the other tree's b
    const p = { W: tensor([1, 2]), b: tensor([10, 20]), layers: [{ U: tensor([1]), c: tensor([2]) }] };
    const g = { layers: [{ c: tensor([200]), U: tensor([100]) }], b: tensor([1000, 2000]), W: tensor([10000, 20000]) };
    const r = mapParams((w, h) => add(w, h), p, g);
    expect(Object.keys(r)).toEqual(["W", "b", "layers"]);
    expect([toArray(r.W), toArray(r.b), toArray(r.layers[0]?.U as Tensor), toArray(r.layers[0]?.c as Tensor)]).toEqual([[10001, 20002], [1010, 2020], [101], [202]]);
    // three trees, the third in yet another order: each argument is matched by name
    const third = { b: tensor([1, 1]), layers: [{ U: tensor([1]), c: tensor([1]) }], W: tensor([1, 1]) };
    expect(toArray(mapParams((w, h, k) => add(w, add(h, k)), p, g, third).W)).toEqual([10002, 20003]);
    // a difference inside such a record is still named at its place
    expect(() => mapParams((w, h) => add(w, h), p, bad({ b: tensor([1, 2]), W: tensor([1, 2, 3]), layers: [{ c: tensor([2]), U: tensor([1]) }] }))).toThrow(
      new TypeError("mapParams: argument 'others[0]' must have the structure of 'tree'; at 'W' it has a tensor of shape [3], 'tree' has [2]"),
    );
    expect(() => mapParams((w, h) => add(w, h), p, bad({ b: tensor([1, 2]), W: tensor([1, 2]), layers: [{ c: tensor([2]), V: tensor([1]) }] }))).toThrow(
      new TypeError("mapParams: argument 'others[0]' must have the structure of 'tree'; it has no field 'layers[0].U'"),
    );
  });
  test("refuses a tree of another structure, naming the argument and the first differing place", () => {
    const p = { W: tensor([1, 2]), layers: [{ b: tensor([1]) }] };
    const f = (w: Tensor, g: Tensor) => add(w, g);
    expect(() => mapParams(f, p, bad({ W: tensor([1, 2]), layers: [{ c: tensor([1]) }] }))).toThrow(
      new TypeError("mapParams: argument 'others[0]' must have the structure of 'tree'; it has no field 'layers[0].b'"),
    );
    expect(() => mapParams(f, p, bad({ W: tensor([1, 2]), layers: [{ b: tensor([1]) }], x: tensor([1]) }))).toThrow(
      "mapParams: argument 'others[0]' must have the structure of 'tree'; it has a field 'x' that 'tree' has not",
    );
    expect(() => mapParams(f, p, bad({ W: tensor([1, 2]), layers: [] }))).toThrow("mapParams: argument 'others[0]' must have the structure of 'tree'; at 'layers' it has 0 items, 'tree' has 1");
    expect(() => mapParams((w, g, v) => add(w, add(g, v)), p, p, bad({ W: tensor([1, 2, 3]), layers: [{ b: tensor([1]) }] }))).toThrow(
      "mapParams: argument 'others[1]' must have the structure of 'tree'; at 'W' it has a tensor of shape [3], 'tree' has [2]",
    );
    expect(() => mapParams(f, p, bad({ W: [tensor([1, 2])], layers: [{ b: tensor([1]) }] }))).toThrow("at 'W' it has an array, 'tree' has a tensor");
    expect(() => mapParams(f, p, bad({ W: tensor([1, 2]), layers: [{ b: "x" }] }))).toThrow(/^mapParams: argument 'others\[0\]' must be tensors, arrays or records of tensors; 'layers\[0\]\.b' is/);
    expect(() => mapParams((w: Tensor) => w, bad(3))).toThrow(/^mapParams: argument 'tree' must be tensors/);
    expect(() => mapParams(bad(1), p)).toThrow("mapParams: argument 'f' must be a function of tensors, got 1");
  });
  test("refuses a leaf function that returns no tensor of its first argument's shape", () => {
    const p = { W: tensor([1, 2]), layers: [{ b: tensor([1]) }] };
    expect(() => mapParams((w) => (w.shape[0] === 1 ? tensor([1, 2]) : w), p)).toThrow(
      "mapParams: argument 'f' must return a tensor of its first argument's shape [1]; at 'layers[0].b' it returned a tensor of shape [2]",
    );
    expect(() => mapParams(() => bad(0), p)).toThrow("mapParams: argument 'f' must return a tensor of its first argument's shape [2]; at 'W' it returned 0");
    // another rank, or another size past the first axis
    expect(() => mapParams(() => tensor([[1], [2]]), p)).toThrow("mapParams: argument 'f' must return a tensor of its first argument's shape [2]; at 'W' it returned a tensor of shape [2, 1]");
    expect(() => mapParams(() => tensor([1, 2]), { W: tensor([[1], [2]]) })).toThrow(
      "mapParams: argument 'f' must return a tensor of its first argument's shape [2, 1]; at 'W' it returned a tensor of shape [2]",
    );
    const m = { W: tensor([[1, 2, 3]]) };
    expect(() => mapParams(() => tensor([[1, 2]]), m)).toThrow("mapParams: argument 'f' must return a tensor of its first argument's shape [1, 3]; at 'W' it returned a tensor of shape [1, 2]");
    // a lone tensor: the root
    expect(() => mapParams(() => tensor([1]), tensor([1, 2]))).toThrow("mapParams: argument 'f' must return a tensor of its first argument's shape [2]; at the root it returned a tensor of shape [1]");
    // a leaf after a nested record and array: the path counts past them
    const late = { layers: [{ b: tensor([1]) }, [tensor([1])]], W: tensor([1, 2]) };
    expect(() => mapParams((w) => (w.shape[0] === 2 ? tensor([1]) : w), late)).toThrow(
      new TypeError("mapParams: argument 'f' must return a tensor of its first argument's shape [2]; at 'W' it returned a tensor of shape [1]"),
    );
    // an undefined field is no leaf: the path counts past it
    const q = bad({ a: undefined, W: tensor([1, 2]), b: tensor([1]) }) as { W: Tensor; b: Tensor };
    expect(() => mapParams((w) => (w.shape[0] === 1 ? tensor([1, 2]) : w), q)).toThrow(
      "mapParams: argument 'f' must return a tensor of its first argument's shape [1]; at 'b' it returned a tensor of shape [2]",
    );
  });
  test("names the first differing place past the first item, at the root, and between a record and a tensor", () => {
    const f = (w: Tensor, g: Tensor) => add(w, g);
    const two = { layers: [{ b: tensor([1]) }, { b: tensor([2]) }] };
    expect(() => mapParams(f, two, bad({ layers: [{ b: tensor([1]) }, { c: tensor([2]) }] }))).toThrow(
      new TypeError("mapParams: argument 'others[0]' must have the structure of 'tree'; it has no field 'layers[1].b'"),
    );
    expect(() => mapParams(f, tensor([1, 2]), bad(tensor([1, 2, 3])))).toThrow(
      new TypeError("mapParams: argument 'others[0]' must have the structure of 'tree'; at the root it has a tensor of shape [3], 'tree' has [2]"),
    );
    expect(() => mapParams(f, { W: tensor([[1, 2, 3]]) }, bad({ W: tensor([[1, 2, 3, 4]]) }))).toThrow("at 'W' it has a tensor of shape [1, 4], 'tree' has [1, 3]");
    expect(() => mapParams(f, { W: tensor([1, 2]) }, bad({ W: tensor([[1], [2]]) }))).toThrow("at 'W' it has a tensor of shape [2, 1], 'tree' has [2]");
    expect(() => mapParams(f, { W: [tensor([1])] }, bad({ W: { x: tensor([1]) } }))).toThrow(
      new TypeError("mapParams: argument 'others[0]' must have the structure of 'tree'; at 'W' it has a record, 'tree' has an array"),
    );
    expect(() => mapParams(f, { W: { x: tensor([1]) } }, bad({ W: [tensor([1])] }))).toThrow(
      new TypeError("mapParams: argument 'others[0]' must have the structure of 'tree'; at 'W' it has an array, 'tree' has a record"),
    );
    expect(() => mapParams(f, { W: { x: tensor([1]) } }, bad({ W: tensor([1]) }))).toThrow(
      new TypeError("mapParams: argument 'others[0]' must have the structure of 'tree'; at 'W' it has a tensor, 'tree' has a record"),
    );
    expect(() => mapParams(f, { W: tensor([1]) }, bad({ W: { x: tensor([1]) } }))).toThrow(
      new TypeError("mapParams: argument 'others[0]' must have the structure of 'tree'; at 'W' it has a record, 'tree' has a tensor"),
    );
    // at the root: a record against a tensor and an array
    expect(() => mapParams(f, { W: tensor([1]) }, bad(tensor([1])))).toThrow(
      new TypeError("mapParams: argument 'others[0]' must have the structure of 'tree'; at the root it has a tensor, 'tree' has a record"),
    );
    expect(() => mapParams(f, [tensor([1])], bad({ W: tensor([1]) }))).toThrow(
      new TypeError("mapParams: argument 'others[0]' must have the structure of 'tree'; at the root it has a record, 'tree' has an array"),
    );
  });
});

describe("leafwiseOptimizer", () => {
  const handAdam = leafwiseOptimizer({
    name: "handAdam",
    lr,
    slots: 2,
    update: (w, g, [m, v], a, t) => {
      const m2 = add(mul(m, b1), mul(g, 1 - b1));
      const v2 = add(mul(v, b2), mul(mul(g, g), 1 - b2));
      return [sub(w, div(mul(m2, a / (1 - b1 ** t)), add(sqrt(div(v2, 1 - b2 ** t)), eps))), [m2, v2]];
    },
  });
  test("Adam from a per-tensor rule matches the built-in adam bit for bit, its state names it", () => {
    const p0 = net.init(rng(2));
    const opt = adam(lr, b1, b2, eps);
    let [pa, sa] = [p0, opt.init(p0)];
    let [pb, sb] = [p0, handAdam.init(p0)];
    expect(sb.kind).toBe("handAdam");
    for (let t = 1; t <= 5; t++) {
      [pa, sa] = opt.step(pa, lossOf(pa), sa);
      [pb, sb] = handAdam.step(pb, lossOf(pb), sb);
      for (const k of Object.keys(pa) as (keyof typeof pa)[]) expect(toArray(pb[k] as Tensor)).toEqual(toArray(pa[k] as Tensor));
    }
    expect(sb.step).toBe(5);
    expect(() => handAdam.step(pa, lossOf(pa), bad(sa))).toThrow("handAdam.step: argument 'state' was made by adam, not handAdam");
  });
  test("trains with fit", () => {
    const r = train({ model: net, params: net.init(rng(0)), loss: logLossFromLogits, optimizer: handAdam, train: data, epochs: 40 });
    expect(r.optState.kind).toBe("handAdam");
    expect(r.history.at(-1)?.loss).toBeLessThan(r.history[0]?.loss as number);
  });
  test("refuses bad options and a rule that returns the wrong thing", () => {
    const update = (w: Tensor): readonly [Tensor, readonly []] => [w, []];
    expect(() => leafwiseOptimizer(bad(null))).toThrow(new TypeError("leafwiseOptimizer: argument 'options' must be { name, lr, slots, update }, got null"));
    expect(() => leafwiseOptimizer(bad(undefined))).toThrow(new TypeError("leafwiseOptimizer: argument 'options' must be { name, lr, slots, update }, got undefined"));
    expect(() => leafwiseOptimizer({ name: "adam", lr, slots: 0, update })).toThrow(/^leafwiseOptimizer: option 'name' must not be a built-in optimizer's name, got "adam"/);
    expect(() => leafwiseOptimizer({ name: "", lr, slots: 0, update })).toThrow("leafwiseOptimizer: option 'name' must be a non-empty string");
    expect(() => leafwiseOptimizer({ name: bad(5), lr, slots: 0, update })).toThrow(new TypeError("leafwiseOptimizer: option 'name' must be a non-empty string, got 5"));
    // a name that only contains a built-in one is free
    for (const name of ["my-adam", "adam2"]) expect(leafwiseOptimizer({ name, lr, slots: 0, update }).init({ W: tensor([1]) }).kind).toBe(name);
    for (const slots of [-1, 17])
      expect(() => leafwiseOptimizer({ name: "o", lr, slots, update })).toThrow(new TypeError(`leafwiseOptimizer: option 'slots' must be an integer from 0 to 16, got ${slots}`));
    expect(leafwiseOptimizer({ name: "o", lr, slots: 16, update: bad(update) }).init({ W: tensor([1]) }).slots.length).toBe(16);
    expect(() => leafwiseOptimizer({ name: "o", lr, slots: bad(1.5), update })).toThrow("leafwiseOptimizer: option 'slots' must be an integer from 0 to 16, got 1.5");
    expect(() => leafwiseOptimizer({ name: "o", lr, slots: 0, update: bad(null) })).toThrow(/^leafwiseOptimizer: option 'update' must be a function/);
    expect(() => leafwiseOptimizer({ name: "o", lr: -1, slots: 0, update })).toThrow(/^leafwiseOptimizer: argument 'lr' must be a finite number/);
    const wrong = leafwiseOptimizer({ name: "o", lr, slots: 1, update: bad(update) });
    const p = { W: tensor([1, 2]) };
    expect(() => wrong.step(p, p, wrong.init(p))).toThrow(
      /^o\.step: option 'update' of leafwiseOptimizer must return \[w, slots\]: a tensor of the parameter's shape \[2\] and an array of 1 such tensors/,
    );
    // every part of [w, slots] is checked: the pair itself, w, each slot, their shapes
    const returning = (slots: number, out: (w: Tensor) => unknown, W: Tensor = tensor([[1, 2, 3]])) => {
      const o = leafwiseOptimizer({ name: "o", lr, slots, update: bad(out) });
      const q = { W };
      return () => o.step(q, q, o.init(q));
    };
    const refused = (shape: string, slots: number) =>
      new RegExp(
        `^o\\.step: option 'update' of leafwiseOptimizer must return \\[w, slots\\]: a tensor of the parameter's shape \\${shape.slice(0, -1)}\\] and an array of ${slots} such tensors, got `,
      );
    expect(returning(0, (w) => ({ 0: w, 1: [], length: 2 }))).toThrow(refused("[1, 3]", 0));
    expect(returning(0, (w) => [w, [], w])).toThrow(refused("[1, 3]", 0));
    expect(returning(0, () => [3, []])).toThrow(refused("[1, 3]", 0));
    expect(returning(0, (w) => [w, w])).toThrow(refused("[1, 3]", 0));
    expect(returning(2, (w) => [w, [w, 3]])).toThrow(refused("[1, 3]", 2));
    expect(returning(0, () => [tensor([[1, 2]]), []])).toThrow(refused("[1, 3]", 0));
    expect(returning(0, () => [tensor([1, 2, 3]), []])).toThrow(refused("[1, 3]", 0));
    expect(returning(0, () => [tensor([[1], [2], [3]]), []])).toThrow(refused("[1, 3]", 0));
    expect(returning(0, () => [tensor([1]), []], tensor([[1]]))).toThrow(refused("[1, 1]", 0));
    // and what is right passes
    const [next] = returning(1, (w) => [w, [w]])() as [{ W: Tensor }, unknown];
    expect(toArray(next.W)).toEqual([[1, 2, 3]]);
  });
});
