/**
 * Type-checking cost of the `sequential` chain check on an L-layer model. Run
 * `npx tsx test/types/perf/sequential.ts [layers] [--tsc]` (default 50 layers; not part of `npm
 * test`). It generates one file holding a typed `sequential([...])` and its `init`/`apply`, in
 * three variants:
 *
 * - `dense`: L dense layers (rows), each width different;
 * - `dense+bn`: dense and `batchNormLayer([n])` alternating (L layers in all), the per-example
 *   width `n` meeting the shape `[n]` at every link;
 * - `bn`: L `batchNormLayer([n])` layers (shapes only).
 *
 * For each it reports what the editor pays on every edit of that file (a fresh checker's
 * semantic diagnostics of the file alone, in process, CPU time, best of 3) with its
 * instantiations; with `--tsc`, also `tsc --noEmit --extendedDiagnostics` over the whole program
 * (library included). With `--fit`, the file also passes the model to `fit` and `evaluate` on a
 * set whose type knows its widths, so the rows include their compile-time width check (`WidthsOf`).
 */
import { join } from "node:path";
import { fileCost, tscCostOf } from "./model.js";

const root = join(import.meta.dirname, "..", "..", "..");
type Variant = "dense" | "dense+bn" | "bn";
/** Widths: all different, so no link is served from the checker's caches. */
const dim = (l: number): number => (l === 0 ? 784 : 64 + l);

/** The source of an L-layer sequential model. */
export const source = (variant: Variant, layers: number, withFit = false): string => {
  const lib = JSON.stringify(join(root, "src", "index.js"));
  const ls: string[] = [];
  let w = dim(0);
  for (let l = 1; l <= layers; l++) {
    if (variant === "bn" || (variant === "dense+bn" && l % 2 === 0)) ls.push(`  batchNormLayer([${w}]),`);
    else {
      const next = dim(l);
      ls.push(`  dense(${w}, ${next}, { layout: "rows", activation: "relu" }),`);
      w = next;
    }
  }
  return [
    `import { adam, batchNormLayer, dense, evaluate, type Examples, fit, rng, sequential, softmaxCrossEntropy, type Tensor } from ${lib};`,
    "export const net = sequential([",
    ...ls,
    "]);",
    `declare const X: Tensor<["m", ${dim(0)}]>;`,
    "export const params = net.init(rng(0));",
    "export const out = net.apply(params, X);",
    ...(withFit
      ? [
          `declare const data: Examples<${dim(0)}, ${w}>;`,
          'export const fitted = fit({ model: net, params, loss: softmaxCrossEntropy, optimizer: adam(0.01), train: data, validation: data, epochs: 1, layout: "rows" });',
          'export const evaluated = evaluate(net, params, data, softmaxCrossEntropy, { layout: "rows" });',
        ]
      : []),
    "",
  ].join("\n");
};

if (process.argv[1] === import.meta.filename) {
  const layers = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 50);
  const variants = ["dense", "dense+bn", "bn"] as const;
  const withFit = process.argv.includes("--fit");
  console.log(`sequential, ${layers} layers${withFit ? ", with fit and evaluate" : ""}: the model file's diagnostics, fresh checker (editor, per edit)`);
  console.table(
    variants.map((v) => {
      const r = fileCost(source(v, layers, withFit));
      return { variant: v, ms: r.ms, instantiations: r.instantiations, errors: r.errors.length === 0 ? "" : r.errors[0]?.slice(0, 100) };
    }),
  );
  if (process.argv.includes("--tsc")) {
    console.log(`sequential, ${layers} layers: tsc --noEmit --extendedDiagnostics (whole program, library included)`);
    console.table(variants.map((v) => ({ variant: v, ...tscCostOf(source(v, layers, withFit)) })));
  }
}
