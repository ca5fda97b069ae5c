/**
 * `examplesFrom`: decoded datasets (CSV, JSON, any `{ X, Y }`) become `Examples`, the inverse of
 * `toTensors` in both layouts, with one-hot labels on request and errors that name the argument.
 */
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, test } from "vitest";
import { csvDataset, jsonDataset } from "../../src/codec/index.js";
import { examples, examplesFrom, makeBlobs, oneHot, toTensors } from "../../src/data/index.js";
import { tensor } from "../../src/tensor/create.js";
import { rng } from "../../src/tensor/random.js";

const right = <A>(r: E.Either<unknown, A>): A => {
  if (E.isLeft(r)) throw new Error("expected Right");
  return r.right;
};

describe("examplesFrom", () => {
  test("is the inverse of toTensors, in both layouts and both dtypes", () => {
    const d = makeBlobs(rng(0), { m: 7 });
    expect(examplesFrom(toTensors(d, "columns", { dtype: "float64" }))).toEqual(d);
    expect(examplesFrom(toTensors(d, "rows", { dtype: "float64" }), { layout: "rows" })).toEqual(d);
    const f32 = examplesFrom(toTensors(d));
    expect(Array.from(f32.x)).toEqual(Array.from(d.x, Math.fround));
  });

  test("a CSV dataset: integer labels as one target, or one-hot; one-hot CSV labels as they are", () => {
    const csv = "x1,x2,y\n1,2,cat\n3,4,dog\n5,6,cat\n";
    const ints = examplesFrom(right(csvDataset(csv, { label: "y" })));
    expect(ints).toEqual(
      examples(
        [
          [1, 2],
          [3, 4],
          [5, 6],
        ],
        [[0], [1], [0]],
      ),
    );
    const hot = examplesFrom(right(csvDataset(csv, { label: "y" })), { oneHot: 2 });
    expect(hot).toEqual(
      oneHot(
        examples<2, 1>(
          [
            [1, 2],
            [3, 4],
            [5, 6],
          ],
          [[0], [1], [0]],
        ),
        2,
      ),
    );
    expect(examplesFrom(right(csvDataset(csv, { label: "y", labels: "onehot" })))).toEqual(hot);
  });

  test("a JSON dataset", () => {
    const d = examplesFrom(right(jsonDataset('{"X": [[1, 2, 3], [4, 5, 6]], "Y": [[0, 1, 1]]}', { X: [2, "m"], Y: [1, "m"] })));
    expect(d).toEqual(
      examples(
        [
          [1, 4],
          [2, 5],
          [3, 6],
        ],
        [[0], [1], [1]],
      ),
    );
  });

  test("errors name the function and the argument", () => {
    expect(() => examplesFrom({ X: tensor([1, 2]), Y: tensor([[1, 2]]) })).toThrow("examplesFrom: argument 'dataset.X' must be 2-D (values × examples), got shape [2]");
    expect(() => examplesFrom({ X: tensor([[1, 2]]), Y: tensor([[1, 2, 3]]) })).toThrow("examplesFrom: 'dataset.X' holds 2 examples but 'dataset.Y' holds 3");
    expect(() => examplesFrom({ X: tensor([[1, 2]]), Y: tensor([[0, 5]]) }, { oneHot: 3 })).toThrow("examplesFrom: option 'oneHot': label 5 of example 1 is not an integer in [0, 3)");
    expect(() =>
      examplesFrom(
        {
          X: tensor([[1, 2]]),
          Y: tensor([
            [0, 1],
            [1, 0],
          ]),
        },
        { oneHot: 2 },
      ),
    ).toThrow("examplesFrom: option 'oneHot' needs integer labels (one target per example), 'dataset.Y' has 2");
    expect(() => examplesFrom({ X: tensor([[1, 2]]), Y: tensor([[0, 1]]) }, { oneHot: 1 })).toThrow("examplesFrom: option 'oneHot' must be an integer ≥ 2");
    expect(() => examplesFrom({} as never)).toThrow("examplesFrom: argument 'dataset' must have tensors 'X' and 'Y'");
  });
});
