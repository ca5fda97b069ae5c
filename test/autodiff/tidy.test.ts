/**
 * The public `tidy`: what it keeps (the tensors reachable from the returned value) and gives back
 * (every tensor made inside, by ops or creation functions), nesting (an inner scope gives back
 * its own; what it returns belongs to the outer one), a throwing function, and the error for any
 * use of a released tensor on the reference and WASM backends (the WebGPU backend's is checked in
 * `test/backend/webgpu/agree.ts`). On WASM a loop of dropped elementwise results inside `tidy`
 * reuses one block and copies nothing out of WASM memory, where the same loop without it copies
 * every evicted result. Inside and around `grad`, `trainStep` and `fit` it changes no byte.
 */
import { describe, expect, it } from "vitest";
import type { Backend } from "../../src/backend/backend.js";
import { wasmStats } from "../../src/backend/wasm/index.js";
import {
  add,
  exp,
  fill,
  fromArray,
  fullLike,
  gd,
  grad,
  item,
  itemAsync,
  logLossFromLogits,
  matmul,
  mlp,
  momentum,
  mul,
  ready,
  reference,
  reshape,
  rng,
  sigmoid,
  sum,
  type Tensor,
  tensor,
  tidy,
  toArray,
  toArrayAsync,
  toFlat,
  toFlatAsync,
  fit as train,
  trainStep,
  valueAndGrad,
  wasm,
  withBackend,
  xor,
} from "../../src/index.js";
import { storageBelow } from "../../src/tensor/tensor.js";

await ready();

const backends: readonly Backend[] = [reference, wasm];

const released = (fn: string, arg: string, shape: readonly number[]): RegExp =>
  new RegExp(`^${fn}: ${arg.replace(/[()]/g, "\\$&")} \\(shape \\[${shape.join(",")}\\]\\) was released at the end of a tidy\\(\\) scope; return it from the tidy function to keep it$`);

/** The message `f` throws. */
const thrown = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
  return "(nothing thrown)";
};

describe.each(backends.map((b) => [b.name, b] as const))("tidy on %s", (_name, be) => {
  const on = <A>(f: () => A): A => withBackend(be, f);

  it("returns f's value; the tensors reachable from it (arrays, records, nested) survive", () =>
    on(() => {
      const x = tensor([1, 2, 3]);
      const out = tidy(() => {
        const y = add(x, 1);
        return { y, pair: [mul(y, 2), "label", 3] as const, deep: { z: [[exp(fromArray([1], [0]))]] }, skipped: undefined };
      });
      expect(toArray(out.y)).toEqual([2, 3, 4]);
      expect(toArray(out.pair[0])).toEqual([4, 6, 8]);
      expect(out.pair.slice(1)).toEqual(["label", 3]);
      expect(toArray(out.deep.z[0]?.[0] as Tensor)).toEqual([1]);
      expect(out.skipped).toBeUndefined();
      expect(tidy(() => 42)).toBe(42);
      expect(tidy(() => item(sum(x)))).toBe(6);
      expect(tidy(() => undefined)).toBeUndefined();
    }));

  it("releases every tensor made inside and not returned: op results and created ones", () =>
    on(() => {
      const x = tensor([1, 2, 3]);
      let computed: Tensor | undefined;
      let created: Tensor | undefined;
      let filled: Tensor | undefined;
      const y = tidy(() => {
        computed = exp(x);
        created = fromArray([3], [4, 5, 6]);
        filled = fill([2, 2], 7);
        return add(computed, created);
      });
      expect(toFlat(y)[2]).toBeCloseTo(Math.exp(3) + 6, 4);
      expect(thrown(() => toArray(computed as Tensor))).toMatch(released("toArray", "argument 't'", [3]));
      expect(thrown(() => toArray(created as Tensor))).toMatch(released("toArray", "argument 't'", [3]));
      expect(thrown(() => toArray(filled as Tensor))).toMatch(released("toArray", "argument 't'", [2, 2]));
    }));

  it("never releases tensors made before it, parameters passed in, their views, or shared scalars", () =>
    on(() => {
      const x = tensor([1, 2, 3]);
      const p = { w: tensor([[1, 2]]) };
      const view = tidy(() => reshape(x, [3, 1]));
      const f = (q: typeof p) => tidy(() => sum(mul(q.w, q.w)));
      expect(toArray(f(p))).toBe(5);
      tidy(() => {
        // the WASM backend hands out one cached storage for every scalar 1 (`fill`, `add(x, 1)`)
        fill([], 1);
        add(x, 1);
      });
      expect(toArray(view)).toEqual([[1], [2], [3]]);
      expect(toArray(x)).toEqual([1, 2, 3]);
      expect(toArray(p.w)).toEqual([[1, 2]]);
      expect(toArray(add(x, 1))).toEqual([2, 3, 4]);
      expect(toArray(fill([], 1))).toBe(1);
    }));

  it("keeps a fresh tensor returned through a view of it (reshape returns the same memory)", () =>
    on(() => {
      const x = tensor([1, 2, 3, 4]);
      const m = tidy(() => reshape(add(x, 1), [2, 2]));
      expect(toArray(m)).toEqual([
        [2, 3],
        [4, 5],
      ]);
    }));

  it("nests: an inner tidy releases its own at its end, and what it returns belongs to the outer one", () =>
    on(() => {
      const x = tensor([1, 2]);
      let innerTemp: Tensor | undefined;
      let innerKept: Tensor | undefined;
      let atInnerEnd = "";
      const out = tidy(() => {
        innerKept = tidy(() => {
          innerTemp = mul(x, 10);
          return add(innerTemp, 1);
        });
        atInnerEnd = thrown(() => toArray(innerTemp as Tensor));
        expect(toArray(innerKept)).toEqual([11, 21]); // still alive inside the outer scope
        return mul(innerKept, 2);
      });
      expect(atInnerEnd).toMatch(released("toArray", "argument 't'", [2]));
      expect(toArray(out)).toEqual([22, 42]);
      // the outer scope did not return it: released at its end
      expect(thrown(() => toArray(innerKept as Tensor))).toMatch(released("toArray", "argument 't'", [2]));
      // returned by both: kept
      const both = tidy(() => tidy(() => add(x, 5)));
      expect(toArray(both)).toEqual([6, 7]);
    }));

  it("when f throws, releases what it made and rethrows the same error; the enclosing scope is intact", () =>
    on(() => {
      const x = tensor([1, 2]);
      const boom = new RangeError("boom");
      let made: Tensor | undefined;
      let before: Tensor | undefined;
      const out = tidy(() => {
        before = add(x, 1);
        let caught: unknown;
        try {
          tidy(() => {
            made = mul(x, 3);
            throw boom;
          });
        } catch (e) {
          caught = e;
        }
        expect(caught).toBe(boom);
        expect(thrown(() => toArray(made as Tensor))).toMatch(released("toArray", "argument 't'", [2]));
        return mul(before, 2);
      });
      expect(toArray(out)).toEqual([4, 6]);
      expect(() => tidy(() => tensor([1]) && (null as unknown as { a: number }).a)).toThrow(TypeError);
    }));

  it("refuses an async function and a non-function, naming itself", () =>
    on(() => {
      expect(thrown(() => tidy((async () => tensor([1])) as () => never))).toMatch(/^tidy: f returned a promise; tidy takes a synchronous function/);
      expect(thrown(() => tidy(3 as unknown as () => number))).toBe("tidy: argument 'f' must be a function, got number");
      // a thenable is an object or a function with a 'then' method; null and undefined are plain values
      // biome-ignore lint/suspicious/noThenProperty: a thenable on purpose
      const thenableFunction = Object.assign(() => 0, { then: () => undefined });
      expect(thrown(() => tidy(() => thenableFunction as never))).toMatch(/^tidy: f returned a promise; tidy takes a synchronous function/);
      expect(tidy(() => null)).toBe(null);
      // a function is not looked into: a tensor hung on it is released
      const hung = tidy(() => Object.assign(() => 0, { t: add(tensor([1]), 1) }));
      expect(thrown(() => toArray(hung.t))).toMatch(released("toArray", "argument 't'", [1]));
      expect(tidy(() => undefined)).toBe(undefined);
      // a value nested past 256 levels is refused (its walk is bounded), naming tidy and where
      let deep: unknown = tensor([1]);
      for (let i = 0; i < 300; i++) deep = [deep];
      expect(thrown(() => tidy(() => deep as never))).toBe(`tidy: the returned values are nested more than 256 levels deep at '${"[0]".repeat(257)}'`);
    }));

  it("tensors returned inside a Map, a Set or a class instance survive too (they had been released: a later read said 'return it from the tidy function')", () =>
    on(() => {
      class Box {
        readonly inner: Tensor;
        constructor(readonly t: Tensor) {
          this.inner = t;
        }
      }
      const out = tidy(() => {
        const y = tensor([1, 2]);
        return { map: new Map([["y", add(y, 1)]]), set: new Set([mul(y, 2)]), box: new Box(mul(y, 3)), keyed: new Map([[add(y, 4), "k"]]) };
      });
      expect(toArray(out.map.get("y") as Tensor)).toEqual([2, 3]);
      expect(toArray([...out.set][0] as Tensor)).toEqual([2, 4]);
      expect(toArray(out.box.t)).toEqual([3, 6]);
      expect(toArray([...out.keyed.keys()][0] as Tensor)).toEqual([5, 6]);
      const cyclic = tidy(() => {
        const m = new Map<string, unknown>([["t", tensor([7])]]);
        m.set("self", m);
        return m;
      });
      expect(toArray(cyclic.get("t") as Tensor)).toEqual([7]);
      // a typed array is data, not a container to walk
      expect(tidy(() => toFlat(tensor([1, 2]))).length).toBe(2);
    }));

  it("a returned value that refers to itself is walked once", () =>
    on(() => {
      const out = tidy(() => {
        const node: { t: Tensor; self?: unknown } = { t: tensor([1]) };
        node.self = node;
        return node;
      });
      expect(toArray(out.t)).toEqual([1]);
    }));

  it("any use of a released tensor is an error naming the function and the argument", async () => {
    const [t, one] = on(() => {
      let kept: [Tensor<[1, 3]>, Tensor<[]>] | undefined;
      tidy(() => {
        kept = [add(tensor([[1, 2, 3]]), 1), sum(tensor([1, 2]))];
      });
      return kept as [Tensor<[1, 3]>, Tensor<[]>];
    });
    on(() => {
      const ok = tensor([[1, 2, 3]]);
      expect(thrown(() => sigmoid(t))).toMatch(released("sigmoid", "argument 'x'", [1, 3]));
      expect(thrown(() => add(t, 1))).toMatch(released("add", "argument 'a'", [1, 3]));
      expect(thrown(() => mul(ok, t))).toMatch(released("mul", "argument 'b'", [1, 3]));
      expect(thrown(() => matmul(t, reshape(ok, [3, 1])))).toMatch(/^matmul: .* was released at the end of a tidy\(\) scope/);
      expect(thrown(() => sum(t))).toMatch(/^sum: .* was released at the end of a tidy\(\) scope/);
      expect(thrown(() => reshape(t, [3]))).toMatch(/^reshape: .* was released at the end of a tidy\(\) scope/);
      expect(thrown(() => toArray(t))).toMatch(released("toArray", "argument 't'", [1, 3]));
      expect(thrown(() => toFlat(t))).toMatch(released("toFlat", "argument 't'", [1, 3]));
      expect(thrown(() => item(one))).toMatch(released("item", "argument 't'", []));
      expect(thrown(() => fullLike(t, 0))).toMatch(released("fullLike", "argument 'x'", [1, 3]));
      expect(thrown(() => grad((w: Tensor<[1, 3]>) => sum(mul(w, w)))(t))).toMatch(released("grad", "argument 'params'", [1, 3]));
    });
    await expect(withBackend(be, () => toFlatAsync(t))).rejects.toThrow(released("toFlatAsync", "argument 't'", [1, 3]));
    await expect(withBackend(be, () => toArrayAsync(t))).rejects.toThrow(released("toArrayAsync", "argument 't'", [1, 3]));
    await expect(withBackend(be, () => itemAsync(one))).rejects.toThrow(released("itemAsync", "argument 't'", []));
  });
});

describe("a released storage's mark", () => {
  it("holds on a storage that cannot take a property (a custom backend's frozen object), and leaves the others usable", () =>
    withBackend(reference, () => {
      let kept: Tensor<[2]> | undefined;
      tidy(() => {
        kept = add(tensor([1, 2]), 1);
        Object.freeze(storageBelow(kept));
      });
      const t = kept as Tensor<[2]>;
      expect(thrown(() => sigmoid(t))).toMatch(released("sigmoid", "argument 'x'", [2]));
      const live = tidy(() => add(tensor([1, 2]), 1));
      expect(toArray(add(live, 1))).toEqual([3, 4]);
    }));
});

describe("tidy on wasm: dropped elementwise results", () => {
  const n = 1_000_000;
  const x = withBackend(wasm, () =>
    fromArray(
      [n],
      Float32Array.from({ length: n }, (_, i) => Math.sin(i)),
    ),
  );

  it("200 x tidy(() => { sigmoid(x) }) over 1e6 values reuses one block: nothing evicted or copied out, memory flat", () => {
    withBackend(wasm, () => {
      tidy(() => {
        sigmoid(x);
      });
      const s0 = wasmStats();
      for (let i = 0; i < 200; i++)
        tidy(() => {
          sigmoid(x);
        });
      const s1 = wasmStats();
      expect(s1.copiedOut - s0.copiedOut).toBe(0);
      expect(s1.evictions - s0.evictions).toBe(0);
      expect(s1.reused - s0.reused).toBe(200);
      expect(s1.memoryBytes).toBe(s0.memoryBytes);
      expect(s1.resident).toBe(s0.resident);
    });
  });

  it("(the same loop without tidy copies evicted results out: what tidy saves)", () => {
    withBackend(wasm, () => {
      const s0 = wasmStats();
      for (let i = 0; i < 200; i++) void sigmoid(x);
      const s1 = wasmStats();
      expect(s1.copiedOut - s0.copiedOut).toBeGreaterThan(100);
    });
  });

  it("a released block taken by a new tensor is never read through the old one", () => {
    withBackend(wasm, () => {
      let old: Tensor | undefined;
      tidy(() => {
        old = sigmoid(x);
      });
      const fresh = exp(x); // takes the released block
      expect(wasmStats().reused).toBeGreaterThan(0);
      expect(thrown(() => toFlat(old as Tensor))).toMatch(released("toFlat", "argument 't'", [n]));
      expect(toFlat(fresh)[1]).toBeCloseTo(Math.exp(Math.sin(1)), 5);
    });
  });
});

/** The bytes of every tensor in a tree, in order. */
const bytes = (ts: readonly Tensor[]): number[][] => ts.map((t) => Array.from(new Uint8Array(toFlat(t).buffer.slice(0))));

describe.each(backends.map((b) => [b.name, b] as const))("tidy with grad, trainStep and fit on %s: the same bytes", (_name, be) => {
  const net = mlp([2, 8, 1], { hidden: "tanh" });
  const data = () => {
    const r = rng(11);
    const X = fromArray(
      [2, 6],
      Array.from({ length: 12 }, () => 2 * r.uniform() - 1),
    ) as Tensor<[2, 6]>;
    const Y = tensor([[1, 0, 0, 1, 1, 0]]) as Tensor<[1, 6]>;
    return { X, Y };
  };
  type P = ReturnType<typeof net.init>;
  const loss = (p: P, X: Tensor<[2, 6]>, Y: Tensor<[1, 6]>) => logLossFromLogits(net.apply(p, X), Y);
  const leaves = (p: P): Tensor[] => [p.W1, p.b1, p.W2, p.b2];

  it("tidy inside grad's function, and grad inside tidy", () =>
    withBackend(be, () => {
      const { X, Y } = data();
      const p = net.init(rng(1));
      const [J0, g0] = valueAndGrad(loss)(p, X, Y);
      const [J1, g1] = valueAndGrad((q: P, A: Tensor<[2, 6]>, B: Tensor<[1, 6]>) => tidy(() => loss(q, A, B)))(p, X, Y);
      const [J2, g2] = tidy(() => valueAndGrad(loss)(p, X, Y));
      expect(bytes([J1, ...leaves(g1)])).toEqual(bytes([J0, ...leaves(g0)]));
      expect(bytes([J2, ...leaves(g2)])).toEqual(bytes([J0, ...leaves(g0)]));
      expect(bytes(leaves(p))).toEqual(bytes(leaves(net.init(rng(1)))));
    }));

  it("trainStep inside tidy, step after step", () =>
    withBackend(be, () => {
      const { X, Y } = data();
      const opt = momentum(0.1, 0.9);
      const run = (wrap: boolean) => {
        let params = net.init(rng(2));
        let state = opt.init(params);
        const losses: number[] = [];
        for (let i = 0; i < 4; i++) {
          const step = () => trainStep(net, logLossFromLogits, opt, params, state, X, Y);
          const r = wrap ? tidy(step) : step();
          params = r.params;
          state = r.state;
          losses.push(r.loss);
        }
        return { losses, params: bytes(leaves(params)) };
      };
      expect(run(true)).toEqual(run(false));
    }));

  it("fit inside tidy", () =>
    withBackend(be, () => {
      const set = xor(rng(0), { m: 32 });
      const go = () => train({ model: net, params: net.init(rng(3)), loss: logLossFromLogits, optimizer: gd(0.2), train: set, epochs: 3, batchSize: 8, seed: 4 });
      const plain = go();
      const wrapped = tidy(go);
      expect(wrapped.history).toEqual(plain.history);
      expect(bytes(leaves(wrapped.params))).toEqual(bytes(leaves(plain.params)));
    }));
});
