/**
 * The decoders' and file readers' options: an unknown key is an error naming the function and the
 * key, as for every other options record (test/options.test.ts). These functions share option
 * types (`readNpy` takes the codec's and `maxBytes`, `readJsonDataset` `jsonDataset`'s and
 * `maxBytes`, …), so each checks its own whole set: before, `readNpy(p, s, { maxbytes: 10 })` read
 * up to 1 GiB and `decodeSafetensors(b, { dtype: "float64" })` decoded float32, silently.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import * as E from "fp-ts/lib/Either.js";
import { describe, expect, it } from "vitest";
import {
  csvDataset,
  csvDatasetOrThrow,
  decodeParams,
  decodeSafetensors,
  decodeSafetensorsParams,
  decodeTensor,
  decodeTensorOrThrow,
  decodeTensors,
  decodeTensorsOrThrow,
  emptyBinding,
  encodeNpy,
  encodeSafetensors,
  jsonDataset,
  jsonDatasetOrThrow,
  mlp,
  parseNpy,
  rng,
  tensor,
  tensorCodec,
  tensorsCodec,
} from "../../src/index.js";
import {
  loadCheckpoint,
  loadSafetensors,
  readBytes,
  readCsvDataset,
  readCsvDatasetOrThrow,
  readJsonDataset,
  readJsonDatasetOrThrow,
  readNpy,
  readNpyOrThrow,
  readSafetensors,
  saveCheckpoint,
  writeSafetensors,
} from "../../src/node/index.js";

const js = (o: object): {} => o; // what JavaScript hands over
const loose = <T>(o: T): T => o; // what a spread variable hands over: no excess-key check
const dir = "out/test/optionKeys";
mkdirSync(dir, { recursive: true });

describe("decoder options: unknown keys", () => {
  it("the tensor decoders and codecs", () => {
    expect(() => tensorCodec([2], js({ dtyp: "float64" }))).toThrow("tensorCodec: unknown option 'dtyp' (did you mean 'dtype'?)");
    expect(() => decodeTensor([2], [1, 2], js({ allowNaN: true }))).toThrow(/^decodeTensor: unknown option 'allowNaN' \(the options are .*'allowNonFinite'/);
    // `binding` is decodeTensors' option, not decodeTensor's
    expect(() => decodeTensor([2], [1, 2], js({ binding: {} }))).toThrow("decodeTensor: unknown option 'binding'");
    expect(() => decodeTensorOrThrow([2], [1, 2], js({ maxrank: 3 }))).toThrow("decodeTensor: unknown option 'maxrank' (did you mean 'maxRank'?)");
    expect(() => decodeTensors({ X: [2] }, { X: [1, 2] }, js({ bindings: {} }))).toThrow("decodeTensors: unknown option 'bindings' (did you mean 'binding'?)");
    expect(() => decodeTensorsOrThrow({ X: [2] }, { X: [1, 2] }, js({ encodnig: "flat" }))).toThrow("decodeTensors: unknown option 'encodnig' (did you mean 'encoding'?)");
    expect(() => tensorsCodec({ X: [2] }, js({ maxElement: 3 }))).toThrow("tensorsCodec: unknown option 'maxElement' (did you mean 'maxElements'?)");
    expect(() => decodeParams({ X: [2] }, { X: [1, 2] }, js({ dtpye: "float32" }))).toThrow("decodeParams: unknown option 'dtpye' (did you mean 'dtype'?)");
    expect(() => parseNpy(encodeNpy(tensor([1, 2])), undefined, js({ maxBytes: 10 }))).toThrow(
      "parseNpy: unknown option 'maxBytes' (the options are 'dtype', 'allowNonFinite', 'encoding', 'maxRank', 'maxElements')",
    );
    const all = { dtype: "float64", allowNonFinite: true, encoding: "nested", maxRank: 2, maxElements: 4 } as const;
    expect(E.isRight(decodeTensor([2], [1, 2], all))).toBe(true);
    expect(E.isRight(decodeTensors({ X: [2] }, { X: [1, 2] }, { ...all, binding: emptyBinding }))).toBe(true);
  });

  it("the dataset decoders", () => {
    expect(() => csvDataset("x,y\n1,0\n", loose({ label: "y", onehot: true }))).toThrow("csvDataset: unknown option 'onehot' (the options are ");
    expect(() => csvDatasetOrThrow("x,y\n1,0\n", loose({ label: "y", delimeter: ";" }))).toThrow("csvDataset: unknown option 'delimeter' (did you mean 'delimiter'?)");
    expect(() => jsonDataset('{"X": [1, 2]}', { X: [2] }, js({ maxlength: 5 }))).toThrow("jsonDataset: unknown option 'maxlength' (did you mean 'maxLength'?)");
    expect(() => jsonDatasetOrThrow('{"X": [1, 2]}', { X: [2] }, js({ maxBytes: 5 }))).toThrow("jsonDataset: unknown option 'maxBytes'");
    // the limit is the dataset's own option, not one decodeTensors refuses
    expect(E.isLeft(jsonDataset('{"X": [1, 2]}', { X: [2] }, { maxLength: 5 }))).toBe(true);
    expect(jsonDatasetOrThrow('{"X": [1, 2]}', { X: [2] }, { maxLength: 50, binding: emptyBinding }).X.shape).toEqual([2]);
  });

  it("safetensors", () => {
    const model = mlp([2, 2]);
    const bytes = encodeSafetensors(model.init(rng(0)));
    expect(() => decodeSafetensors(bytes, js({ dtype: "float64" }))).toThrow("decodeSafetensors: unknown option 'dtype' (the options are 'maxHeaderBytes', 'maxElements')");
    expect(() => decodeSafetensors(bytes, js({ maxElement: 1 }))).toThrow("decodeSafetensors: unknown option 'maxElement' (did you mean 'maxElements'?)");
    expect(() => decodeSafetensorsParams(bytes, model, js({ dtypes: "float32" }))).toThrow("decodeSafetensorsParams: unknown option 'dtypes' (did you mean 'dtype'?)");
    expect(() => encodeSafetensors(model.init(rng(0)), js({ meta: {} }))).toThrow("encodeSafetensors: unknown option 'meta' (the options are 'metadata', 'dtypes')");
    expect(E.isRight(decodeSafetensorsParams(bytes, model, { dtype: "float32", maxElements: 10, maxHeaderBytes: 1000 }))).toBe(true);
  });

  it("the file readers: their own maxBytes and the codec's options", () => {
    const npy = `${dir}/x.npy`;
    writeFileSync(npy, encodeNpy(tensor([1, 2, 3])));
    expect(() => readNpy(npy, undefined, js({ maxbytes: 10 }))).toThrow("readNpy: unknown option 'maxbytes' (did you mean 'maxBytes'?)");
    expect(() => readNpyOrThrow(npy, [3], js({ maxelements: 1 }))).toThrow("readNpy: unknown option 'maxelements' (did you mean 'maxElements'?)");
    // readNpyOrThrow without a spec dropped its options: maxElements was not applied
    expect(() => readNpyOrThrow(npy, undefined, { maxElements: 2 })).toThrow("above the limit maxElements = 2");
    expect(() => readNpyOrThrow(npy, undefined, { maxBytes: 10 })).toThrow(/readNpy: .*10/);
    expect(E.isRight(readNpy(npy, [3], { maxBytes: 1000, maxElements: 3, dtype: "float64" }))).toBe(true);
    expect(() => readBytes(npy, js({ maxbytes: 1 }))).toThrow("readBytes: unknown option 'maxbytes' (did you mean 'maxBytes'?)");

    const csv = `${dir}/d.csv`;
    writeFileSync(csv, "x,y\n1,0\n2,1\n");
    expect(() => readCsvDataset(csv, loose({ label: "y", maxbytes: 10 }))).toThrow("readCsvDataset: unknown option 'maxbytes' (did you mean 'maxBytes'?)");
    expect(() => readCsvDatasetOrThrow(csv, loose({ label: "y", labls: "onehot" }))).toThrow("readCsvDataset: unknown option 'labls' (did you mean 'labels'?)");
    expect(E.isLeft(readCsvDataset(csv, { label: "y", maxBytes: 4 }))).toBe(true);
    expect(() => readCsvDatasetOrThrow(csv, { label: "y", maxBytes: 4 })).toThrow(/maxBytes/);

    const json = `${dir}/d.json`;
    writeFileSync(json, '{"X": [1, 2]}');
    expect(() => readJsonDataset(json, { X: [2] }, js({ maxbytes: 10 }))).toThrow("readJsonDataset: unknown option 'maxbytes' (did you mean 'maxBytes'?)");
    expect(() => readJsonDatasetOrThrow(json, { X: [2] }, js({ maxLenght: 10 }))).toThrow("readJsonDataset: unknown option 'maxLenght' (did you mean 'maxLength'?)");
    expect(readJsonDatasetOrThrow(json, { X: [2] }, { maxBytes: 100, maxLength: 100 }).X.shape).toEqual([2]);
    expect(() => readJsonDatasetOrThrow(json, { X: [2] }, { maxLength: 4 })).toThrow(/maxLength/);

    const model = mlp([2, 2]);
    const st = `${dir}/m.safetensors`;
    writeSafetensors(st, model.init(rng(0)));
    expect(() => readSafetensors(st, js({ dtype: "float64" }))).toThrow("readSafetensors: unknown option 'dtype' (the options are ");
    expect(() => loadSafetensors(st, model, js({ maxbytes: 1 }))).toThrow("loadSafetensors: unknown option 'maxbytes' (did you mean 'maxBytes'?)");
    expect(E.isRight(loadSafetensors(st, model, { maxBytes: 1e6, dtype: "float32", maxElements: 10, maxHeaderBytes: 1000 }))).toBe(true);

    const ck = `${dir}/p.ckpt`;
    saveCheckpoint(ck, { W: tensor([1, 2]) });
    expect(() => loadCheckpoint(ck, { W: [2] }, js({ allownonfinite: false }))).toThrow("loadCheckpoint: unknown option 'allownonfinite' (did you mean 'allowNonFinite'?)");
  });
});
