/**
 * Throwing variants: the value on success; on failure a `DecodeFailure` whose message is the
 * function's name and exactly the drawn errors of the `Either` variant (same paths), and whose
 * `errors` is the forest.
 */
import * as E from "fp-ts/lib/Either.js";
import { pipe } from "fp-ts/lib/function.js";
import { describe, expect, test } from "vitest";
import {
  csvDataset,
  csvDatasetOrThrow,
  type DecodeErrors,
  DecodeFailure,
  decodeParams,
  decodeParamsOrThrow,
  decodeTensor,
  decodeTensorOrThrow,
  decodeTensors,
  decodeTensorsOrThrow,
  draw,
  jsonDatasetOrThrow,
  orThrow,
} from "../../src/codec/index.js";
import { toArray, zeros } from "../../src/tensor/create.js";

/** The failure thrown by `f`, checked against the `Left` of the `Either` variant. */
const failure = (f: () => unknown): DecodeFailure => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DecodeFailure);
    return e as DecodeFailure;
  }
  throw new Error("expected a DecodeFailure");
};
const left = (r: E.Either<DecodeErrors, unknown>): DecodeErrors => {
  if (E.isRight(r)) throw new Error("expected Left");
  return r.left;
};

describe("orThrow", () => {
  test("Right gives the value; Left throws a DecodeFailure with fn, the drawn message and the forest", () => {
    expect(orThrow("f")(E.right(3))).toBe(3);
    const errs = left(
      decodeTensor(
        [2, 3],
        [
          [1, 2, 3],
          [4, 5],
        ],
      ),
    );
    const e = failure(() => pipe(E.left(errs), orThrow("loading x.json")));
    expect(e.message).toBe(`loading x.json: ${draw(errs)}`);
    expect(e.name).toBe("DecodeFailure");
    expect(e.fn).toBe("loading x.json");
    expect(e.errors).toBe(errs);
    expect(e).toBeInstanceOf(Error);
    expect(String(e)).toBe("DecodeFailure: loading x.json: index 1: row has 2 values, expected 3");
  });

  test("decodeTensorOrThrow and decodeTensorsOrThrow", () => {
    expect(
      toArray(
        decodeTensorOrThrow(
          [2, "m"],
          [
            [1, 2],
            [3, 4],
          ],
        ),
      ),
    ).toEqual([
      [1, 2],
      [3, 4],
    ]);
    const bad = [
      [1, 2, 3],
      [4, 5],
    ];
    expect(failure(() => decodeTensorOrThrow([2, 3], bad)).message).toBe(`decodeTensor: ${draw(left(decodeTensor([2, 3], bad)))}`);
    const { X, Y } = decodeTensorsOrThrow(
      { X: [2, "m"], Y: [1, "m"] },
      {
        X: [
          [1, 2],
          [3, 4],
        ],
        Y: [[0, 1]],
      },
    );
    expect([X.shape, Y.shape]).toEqual([
      [2, 2],
      [1, 2],
    ]);
    const input = {
      X: [
        [1, 2],
        [3, 4],
      ],
      Y: [[0, 1, 1]],
    };
    const e = failure(() => decodeTensorsOrThrow({ X: [2, "m"], Y: [1, "m"] }, input));
    expect(e.message).toBe(`decodeTensors: ${draw(left(decodeTensors({ X: [2, "m"], Y: [1, "m"] }, input)))}`);
    expect(e.message).toMatch(/^decodeTensors: Y: /);
  });

  test("decodeParamsOrThrow, with specs or a model; every parameter by name", () => {
    const model = { W1: zeros([2, 3]), b1: zeros([2, 1]) };
    const p = decodeParamsOrThrow(model, {
      W1: [
        [1, 2, 3],
        [4, 5, 6],
      ],
      b1: [[0], [0]],
    });
    expect(toArray(p.W1)).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const input = {
      W1: [
        [1, 2],
        [3, 4],
      ],
      extra: [1],
    };
    const e = failure(() => decodeParamsOrThrow({ W1: [2, 3], b1: [2, 1] }, input));
    expect(e.message).toBe(`decodeParams: ${draw(left(decodeParams({ W1: [2, 3], b1: [2, 1] }, input)))}`);
    expect(e.message.split("\n")).toHaveLength(3);
  });

  test("csvDatasetOrThrow and jsonDatasetOrThrow keep line and column", () => {
    expect(csvDatasetOrThrow("a,y\n1,0\n2,1\n", { label: "y" }).X.shape).toEqual([1, 2]);
    const text = "a,y\n1,0\nn/a,1\n";
    const e = failure(() => csvDatasetOrThrow(text, { label: "y" }));
    expect(e.message).toBe(`csvDataset: ${draw(left(csvDataset(text, { label: "y" })))}`);
    expect(e.message).toBe(`csvDataset: line 3: column 'a': expected a number, got "n/a"`);
    expect(jsonDatasetOrThrow('{"X": [[1, 2]]}', { X: [1, "m"] }).X.shape).toEqual([1, 2]);
    expect(failure(() => jsonDatasetOrThrow("{", { X: [1, "m"] })).message).toMatch(/^jsonDataset: not valid JSON/);
  });
});
