/**
 * Models that travel: the main job's MNIST checkpoint (`out/mnist.ckpt`, written by `npm start`)
 * exported to ONNX (`out/mnist.onnx`) and run by ONNX Runtime (onnxruntime-web's WebAssembly
 * execution provider, here in Node); the same file runs unchanged on a GPU server (ONNX Runtime's
 * CUDA or TensorRT provider, Triton's `onnxruntime` backend), with any batch size. Also written
 * as safetensors (`out/mnist.safetensors`), and both files load back typed, bit for bit.
 *
 * When there is no checkpoint yet, a shorter run of the main job's model (784-128-64-10 ReLU,
 * Adam) trains one first and saves it as `out/mnist-short.ckpt` (never over `npm start`'s file).
 *
 * Run: `npx tsx examples/onnx-export.ts`   (TYPEGRAD_QUICK=1: fewer digits)
 */
import { existsSync } from "node:fs";
import * as E from "fp-ts/lib/Either.js";
import * as ort from "onnxruntime-web";
import {
  adam,
  architectureLayers,
  type DescribedModel,
  draw,
  fit,
  mlp,
  namedLeaves,
  oneHot,
  type Params,
  predictClasses,
  rng,
  softmaxCrossEntropy,
  split,
  type Tensor,
  take,
  toFlat,
  toTensors,
} from "typegrad";
import { loadMnist } from "typegrad/datasets";
import { loadModel, loadSafetensors, readBytes, saveModel, writeFileAtomic, writeSafetensors } from "typegrad/node";
import { exportOnnx, importOnnx, onnxOps } from "typegrad/onnx";
import { claim, done, outPath, quick } from "./lib/check.js";

ort.env.wasm.numThreads = 1;

// -------------------------------------------------------------------------------------
// the checkpoint: the main job's, or a shorter run of it
// -------------------------------------------------------------------------------------

const ckpt = outPath("mnist.ckpt");
const digits = oneHot(await loadMnist({ m: quick ? 1500 : 10000 }), 10);
const [train, held] = split(digits, rng(0), 0.8);
const test = take(
  held,
  Array.from({ length: Math.min(held.m, quick ? 200 : 2000) }, (_, i) => i),
);

const trainShort = (): { model: DescribedModel; params: Params } => {
  console.log(`no usable ${ckpt}: training the main job's model briefly (npm start trains the full one)`);
  const model = mlp([784, 128, 64, 10], { hidden: "relu", init: "he" });
  const { params } = fit({ model, params: model.init(rng(1)), loss: softmaxCrossEntropy, optimizer: adam(0.003), train, batchSize: 64, epochs: quick ? 1 : 3, seed: 2 });
  // under a name of its own: never over the main job's checkpoint (the example runner runs
  // examples/mnist.ts beside this one, and it reads back the file it has just saved)
  saveModel(outPath("mnist-short.ckpt"), { model, params, meta: { trainedBy: "examples/onnx-export.ts" } });
  return { model, params };
};

const loaded = existsSync(ckpt) ? loadModel(ckpt) : undefined;
if (loaded !== undefined && E.isLeft(loaded)) console.log(`cannot use ${ckpt}:\n${draw(loaded.left)}`);
const { model, params } = loaded !== undefined && E.isRight(loaded) ? loaded.right : trainShort();
const layers = architectureLayers(model.architecture);
const layout = layers[0]?.layout ?? "columns";
console.log(`model: ${layers.map((l) => `${l.nIn}→${l.nOut} ${l.activation}`).join(", ")} (${layout} are examples)`);
console.log(`ONNX ops: ${layers.map((l) => onnxOps[l.activation].join(" → ")).join(" → ")}`);

// -------------------------------------------------------------------------------------
// export, and read back typed
// -------------------------------------------------------------------------------------

const onnxPath = outPath("mnist.onnx");
writeFileAtomic("onnx-export", onnxPath, exportOnnx(model, params, { input: "X", output: "logits", batch: "m" }));
const stPath = outPath("mnist.safetensors");
writeSafetensors(stPath, params, { metadata: { architecture: JSON.stringify(model.architecture) } });
console.log(`wrote ${onnxPath} and ${stPath}`);

const sameBits = (a: Params, b: Params): boolean => {
  const bs = new Map(namedLeaves("onnx-export", b));
  return namedLeaves("onnx-export", a).every(([n, x]) => {
    const y = bs.get(n);
    const [u, v] = [toFlat(x), y === undefined ? undefined : toFlat(y)];
    return v !== undefined && u.length === v.length && u.every((e, i) => Object.is(e, v[i]));
  });
};
const fromOnnx = E.flatMap(readBytes(onnxPath), (bytes: Uint8Array) => importOnnx(bytes, model));
claim(E.isRight(fromOnnx) && sameBits(fromOnnx.right, params), "out/mnist.onnx's initializers load back typed by the model, bit for bit");
const fromSt = loadSafetensors(stPath, model);
claim(E.isRight(fromSt) && sameBits(fromSt.right, params), "out/mnist.safetensors loads back typed by the model, bit for bit");

// -------------------------------------------------------------------------------------
// run the file in ONNX Runtime
// -------------------------------------------------------------------------------------

const session = await ort.InferenceSession.create(onnxPath);
const { X } = toTensors(test, layout);
const out = (await session.run({ X: new ort.Tensor("float32", toFlat(X) as Float32Array, [...X.shape] as number[]) })).logits;
if (out === undefined) throw new Error("onnx-export: ONNX Runtime gave no 'logits'");
const theirs = out.data as Float32Array;
const mine = toFlat(model.apply(params, X as Tensor));
const m = test.m;
const at = (data: ArrayLike<number>, c: number, j: number): number => (layout === "rows" ? (data[j * 10 + c] as number) : (data[c * m + j] as number));
const argmax = (data: ArrayLike<number>, j: number): number => Array.from({ length: 10 }, (_, c) => c).reduce((best, c) => (at(data, c, j) > at(data, best, j) ? c : best), 0);
const ortClasses = Array.from({ length: m }, (_, j) => argmax(theirs, j));
const ours = predictClasses(model, params, X as Tensor, { layout });
let maxDiff = 0;
let scale = 0;
for (let i = 0; i < mine.length; i++) {
  maxDiff = Math.max(maxDiff, Math.abs((theirs[i] as number) - (mine[i] as number)));
  scale = Math.max(scale, Math.abs(mine[i] as number));
}
console.log(`typegrad:     ${ours.slice(0, 30).join(" ")} …`);
console.log(`ONNX Runtime: ${ortClasses.slice(0, 30).join(" ")} …`);
console.log(`max |difference| of the logits over ${m} held-out digits: ${maxDiff.toExponential(2)} (largest logit ${scale.toFixed(2)})`);
claim(
  ours.every((c, j) => c === ortClasses[j]),
  `ONNX Runtime predicts the same digit as typegrad for all ${m} held-out digits`,
);
claim(maxDiff <= 1e-5 * scale, `the logits agree within 1e-5 of their scale (${(maxDiff / scale).toExponential(2)})`);
const labelsOf = toFlat(toTensors(test, "rows").Y);
const accuracy = ortClasses.filter((c, j) => labelsOf[j * 10 + c] === 1).length / m;
console.log(`held-out accuracy of the exported model in ONNX Runtime: ${(accuracy * 100).toFixed(1)}%`);
await session.release();
done("onnx-export");
