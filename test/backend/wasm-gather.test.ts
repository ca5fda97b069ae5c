/**
 * The pool's worker gathers `fit`'s batches from a training set in shared memory, on Node's
 * workers (their mail taken inside their loop by `receiveMessageOnPort`): the checks of
 * `gather-suite.ts` (`wasm-gather-events.test.ts` runs them on workers that take their mail from
 * their event loop, as browsers' do). The constructors that allocate a training set put it on a
 * `SharedArrayBuffer`; `fromFlat` keeps the user's arrays.
 */
import { describe, expect, it } from "vitest";
import { configureWasm } from "../../src/backend/wasm/index.js";
import { examples, examplesFrom, fromArray, fromFlat, makeBlobs, moons, oneHot, rng, split, take } from "../../src/index.js";
import { gatherSuite } from "./gather-suite.js";

configureWasm({ threads: 2 });

gatherSuite("Node's workers, their mail taken inside their loop");

describe("training sets in shared memory", () => {
  it("examples, take, split, oneHot, examplesFrom and the toy sets allocate on a SharedArrayBuffer; fromFlat keeps the user's arrays", () => {
    const d = examples<2, 1>(
      [
        [0, 1],
        [2, 3],
        [4, 5],
      ],
      [[0], [1], [0]],
    );
    const isShared = (a: Float32Array) => a.buffer instanceof SharedArrayBuffer;
    expect(isShared(d.x) && isShared(d.y)).toBe(true);
    expect(Array.from(d.x)).toEqual([0, 1, 2, 3, 4, 5]);
    const t = take(d, [2, 0]);
    expect(isShared(t.x) && isShared(t.y)).toBe(true);
    expect(Array.from(t.x)).toEqual([4, 5, 0, 1]);
    const [a, b] = split(d, rng(0), 0.5);
    expect(isShared(a.x) && isShared(b.y)).toBe(true);
    expect(isShared(oneHot(d, 2).y)).toBe(true);
    const e = examplesFrom({ X: fromArray([2, 3], [0, 2, 4, 1, 3, 5]), Y: fromArray([1, 3], [0, 1, 0]) });
    expect(isShared(e.x) && Array.from(e.x).join()).toBe("0,1,2,3,4,5");
    expect(isShared(moons(rng(0), { m: 10 }).x) && isShared(makeBlobs(rng(0), { m: 10 }).y)).toBe(true);
    const own = new Float32Array([1, 2]);
    expect(fromFlat(1, 1, own, new Float32Array([0, 1])).x).toBe(own);
    expect(isShared(fromFlat(1, 1, [1, 2], [0, 1]).x)).toBe(true);
    // the values survive what users do with arrays
    expect(Array.from(structuredClone(d.x))).toEqual([0, 1, 2, 3, 4, 5]);
    expect(Array.from(Buffer.from(d.x.buffer, d.x.byteOffset, d.x.byteLength))).toEqual(Array.from(new Uint8Array(Float32Array.from(d.x).buffer)));
    expect(JSON.stringify(Array.from(d.y))).toBe("[0,1,0]");
  });
});
