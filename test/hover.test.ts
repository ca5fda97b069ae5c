/**
 * What the editor shows. A TypeScript language service over a small in-memory program checks
 * that hovers display plain shapes (`Tensor<[128, "m"]>`, never a conditional type) and that a
 * shape mismatch is reported at the wrong argument with the readable message.
 */
import { join } from "node:path";
import ts from "typescript";
import { beforeAll, describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..");
const file = join(root, "test", "__hover__.ts");

const program = `
import { flow } from "fp-ts/lib/function.js";
import { add, batchNormLayer, concat, conv2dLayer, dense, flatten, grad, gt, lstm, matmul, randn, relu, reshape, rng, scan, sequential, slice, sum, type Tensor, tanh, tensor, tidy, transpose, valueAndGrad, where, withShape, zeros } from "../src/index.js";

const W = zeros([128, 784]);
const W1 = randn(rng(0), [128, 784]);
const b = zeros([128, 1]);
const X = withShape(zeros([784, 32]), [784, "m"]);
const WX = matmul(W, X);
const Z = add(WX, b);
const db = sum(Z, 1, true);
const total = sum(Z);
const flat = reshape(zeros([28, 28]), [784]);
const big = reshape(zeros([224, 224, 3]), [-1]);
const Xt = transpose(X);
const lit = tensor([[1, 2, 3], [4, 5, 6]]);
const scalar = tensor(3);

type Params = { W: Tensor<[128, 784]>; b: Tensor<[128, 1]> };
const cost = (p: Params) => sum(add(matmul(p.W, X), p.b));
const grads = grad(cost)({ W, b });
const dW = grads.W;
const [loss, g2] = valueAndGrad(cost)({ W, b });

function linear<O extends number, I extends number>(W: Tensor<[O, I]>, x: Tensor<[I, "m"]>, b: Tensor<[O, 1]>) {
  return add(matmul(W, x), b);
}
const Z2 = linear(W, X, b);
const tidied = tidy(() => add(matmul(W, X), b));
const tidiedTree = tidy(() => ({ Z: add(WX, b), n: 3 }));

function flatBatch<N extends number>(x: Tensor<[N, 28, 28]>) {
  const flatGeneric = reshape(x, [-1, 784]);
  return flatGeneric;
}

function catBatch<N extends number>(a: Tensor<[N, 3]>, c: Tensor<[N, 4]>) {
  const catGeneric = concat([a, c], 1);
  return catGeneric;
}

const sliceStep = slice(0, 2, 5);
export const bad8 = flow(relu<[3, 4]>, slice(0, 2, 50));

function flatBatch2<N extends number>(x: Tensor<[N, 28, 28]>) {
  const flatGeneric2 = flatten(x, 1);
  return flatGeneric2;
}

const seqs = withShape(zeros([28, 32, 28]), [28, "m", 28]);
const rnnLayer = lstm(28, 64);
const rnnP = rnnLayer.init(rng(0));
const rnnW = rnnP.W;
const lastH = rnnLayer.apply(rnnP, seqs);
const h0 = withShape(zeros([32, 28]), ["m", 28]);
const scanned = scan((h: Tensor<["m", 28]>, x: Tensor<["m", 28]>) => [tanh(add(h, x)), h] as const, h0, seqs);
const hs = scanned[1];
const hT = scanned[0];

declare const x748: Tensor<[748, "m"]>;
declare const dWt: Tensor<[784, 128]>;
export const bad1 = matmul(W, x748);
export const bad2 = add(W, dWt);
export const bad3 = reshape(zeros([28, 28]), [780]);
export const bad4 = sum(W, 2);
declare const B3: Tensor<[10, 2, 3]>;
declare const W44: Tensor<[4, 4]>;
declare const X3: Tensor<[2, 3, 4]>;
declare const Xm: Tensor<["m", 784]>;
export const bad5 = matmul(B3, W44);
export const bad6 = transpose(X3);
export const bad7 = reshape(Xm, ["n", 28, 28]);
export const bad9 = where(gt(W, 0), W, dWt);
const named = reshape(Xm, ["m", 28, 28]);
const bnNet = sequential([dense(784, 128, { layout: "rows", activation: "relu" }), batchNormLayer([128]), dense(128, 10, { layout: "rows" })]);
const bnP = bnNet.init(rng(0));
const bnGamma = bnP[1].gamma;
const bnOut = bnNet.apply(bnP, Xm);
export const bad10 = sequential([dense(784, 128, { layout: "rows" }), batchNormLayer([64])]);
const convP = sequential([conv2dLayer([28, 28, 1], 8, 3), conv2dLayer([26, 26, 8], 16, [5, 3], { groups: 2, padding: "same" })]).init(rng(0));
const convW = convP[0].W;
const convW2 = convP[1].W;
const auditConv = conv2dLayer([8, 8, 1], 4, 3);
const auditConvP = auditConv.init(rng(0));
declare const img98: Tensor<[2, 9, 8, 1]>;
export const bad11 = auditConv.apply(auditConvP, img98);
const convOut = auditConv.apply(auditConvP, zeros([2, 8, 8, 1]));
const auditDense = dense(784, 10);
const auditDenseP = auditDense.init(rng(0));
export const bad12 = auditDense.apply(auditDenseP, x748);
const denseOut = auditDense.apply(auditDenseP, X);
export { W1, db, total, flat, big, Xt, lit, scalar, dW, loss, g2, Z2, tidied, tidiedTree, flatBatch, flatBatch2, named, rnnW, lastH, hs, hT, catBatch, sliceStep, bnGamma, bnOut, convW, convW2, convOut, denseOut };
`;

let service: ts.LanguageService;

beforeAll(() => {
  const config = ts.readConfigFile(join(root, "tsconfig.json"), ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  const host: ts.LanguageServiceHost = {
    getCompilationSettings: () => ({ ...options, noEmit: true }),
    getScriptFileNames: () => [file],
    getScriptVersion: () => "1",
    getScriptSnapshot: (f) => {
      const text = f === file ? program : ts.sys.readFile(f);
      return text === undefined ? undefined : ts.ScriptSnapshot.fromString(text);
    },
    getCurrentDirectory: () => root,
    getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
    fileExists: (f) => f === file || ts.sys.fileExists(f),
    readFile: (f) => (f === file ? program : ts.sys.readFile(f)),
    readDirectory: ts.sys.readDirectory,
    directoryExists: ts.sys.directoryExists,
    getDirectories: ts.sys.getDirectories,
  };
  service = ts.createLanguageService(host, ts.createDocumentRegistry());
});

/** Position of the `n`-th occurrence (0-based) of `needle` in the program, plus `offset`. */
const at = (needle: string, n = 0, offset = 0): number => {
  let i = -1;
  for (let k = 0; k <= n; k++) {
    i = program.indexOf(needle, i + 1);
    if (i < 0) throw new Error(`'${needle}' occurs fewer than ${n + 1} times in the program`);
  }
  return i + offset;
};

/** The hover text over the declaration `const name` (or the `n`-th occurrence of `name`). */
const hover = (name: string, n?: number): string => {
  const pos = n === undefined ? at(`const ${name} `, 0, "const ".length) : at(name, n);
  const info = service.getQuickInfoAtPosition(file, pos);
  return ts.displayPartsToString(info?.displayParts);
};

describe("hovers display plain shapes", () => {
  it("creation", () => {
    expect(hover("W")).toBe("const W: Tensor<[128, 784]>");
    expect(hover("W1")).toBe("const W1: Tensor<[128, 784]>");
    expect(hover("b")).toBe("const b: Tensor<[128, 1]>");
  });
  it("named dims from withShape", () => {
    expect(hover("X")).toBe('const X: Tensor<[784, "m"]>');
  });
  it("matmul", () => {
    expect(hover("WX")).toBe('const WX: Tensor<[128, "m"]>');
  });
  it("add with a bias", () => {
    expect(hover("Z")).toBe('const Z: Tensor<[128, "m"]>');
  });
  it("sum with keepDims, and of everything", () => {
    expect(hover("db")).toBe("const db: Tensor<[128, 1]>");
    expect(hover("total")).toBe("const total: Tensor<[]>");
  });
  it("reshape, exactly sized", () => {
    expect(hover("flat")).toBe("const flat: Tensor<[784]>");
    expect(hover("big")).toBe("const big: Tensor<[150528]>");
  });
  it("transpose", () => {
    expect(hover("Xt")).toBe('const Xt: Tensor<["m", 784]>');
  });
  it("reshape to a target naming x's dim", () => {
    expect(hover("named")).toBe('const named: Tensor<["m", 28, 28]>');
  });
  it("tensor literals", () => {
    expect(hover("lit")).toBe("const lit: Tensor<[2, 3]>");
    expect(hover("scalar")).toBe("const scalar: Tensor<[]>");
  });
  it("tidy returns what its function returns", () => {
    expect(hover("tidied")).toBe('const tidied: Tensor<[128, "m"]>');
    expect(hover("tidiedTree")).toBe('const tidiedTree: {\n    Z: Tensor<[128, "m"]>;\n    n: number;\n}');
  });
  it("grad and valueAndGrad results", () => {
    expect(hover("grads")).toBe("const grads: Params");
    expect(hover("dW")).toBe("const dW: Tensor<[128, 784]>");
    expect(hover("loss", 0)).toBe("const loss: Tensor<[]>");
    expect(hover("g2", 0)).toBe("const g2: Params");
  });
  it("a generic reshape and concat hover as plain tuples", () => {
    expect(hover("flatGeneric")).toBe("const flatGeneric: Tensor<[N, 784]>");
    expect(hover("catGeneric")).toBe("const catGeneric: Tensor<[N, 7]>");
  });
  it("a data-last step hovers as its named type", () => {
    expect(hover("sliceStep")).toBe("const sliceStep: SliceBy<0, 2, 5>");
  });
  it("a generic flatten hovers as a plain tuple", () => {
    expect(hover("flatGeneric2")).toBe("const flatGeneric2: Tensor<[N, 784]>");
  });
  it("recurrent: an LSTM's batched gate weights, its last state, scan's stacked outputs and carry", () => {
    expect(hover("rnnW")).toBe("const rnnW: Tensor<[28, 256]>");
    expect(hover("lastH")).toBe('const lastH: Tensor<["m", 64]>');
    expect(hover("hs")).toBe('const hs: Tensor<[28, "m", 28]>');
    expect(hover("hT")).toBe('const hT: Tensor<["m", 28]>');
  });
  it("a conv layer's kernel hovers as a plain shape, not the alias that computes it", () => {
    expect(hover("convW")).toBe("const convW: Tensor<[3, 3, 1, 8]>");
    expect(hover("convW2")).toBe("const convW2: Tensor<[5, 3, 4, 16]>");
  });
  it("batch norm after dense: the network, its parameters and its output", () => {
    expect(hover("bnNet")).toBe(
      'const bnNet: Sequential<readonly [DenseLayer<784, 128, "rows", "relu">, ImageLayer<"batchNorm", readonly [128], readonly [128], BatchNormParams<128>>, DenseLayer<128, 10, "rows", "linear">]>',
    );
    expect(hover("bnGamma")).toBe("const bnGamma: Tensor<[128]>");
    expect(hover("bnOut")).toBe('const bnOut: Tensor<["m", 10]>');
  });
  it("a layer's apply: its output as a plain shape", () => {
    expect(hover("convOut")).toBe("const convOut: Tensor<[2, 6, 6, 4]>");
    expect(hover("denseOut")).toBe('const denseOut: Tensor<[10, "m"]>');
  });
  it("a generic layer and its result", () => {
    expect(hover("linear", 0)).toBe('function linear<O extends number, I extends number>(W: Tensor<[O, I]>, x: Tensor<[I, "m"]>, b: Tensor<[O, 1]>): Tensor<[O, "m"]>');
    expect(hover("Z2")).toBe('const Z2: Tensor<[128, "m"]>');
  });
  it("the signature of a resolved op call", () => {
    const info = service.getQuickInfoAtPosition(file, at("matmul(W, X)"));
    const [signature] = ts.displayPartsToString(info?.displayParts).split("\n");
    expect(signature).toBe('(alias) matmul<128, 784, "m">(a: Tensor<[128, 784]>, b: Tensor<[784, "m"]>): Tensor<[128, "m"]> (+4 overloads)');
  });
});

describe("errors land on the wrong argument, with the readable message", () => {
  const diagnosticAt = (call: string, arg: string) => {
    const start = at(call) + call.indexOf(arg);
    const found = service.getSemanticDiagnostics(file).filter((d) => d.start !== undefined && d.start >= at(call) && d.start < at(call) + call.length);
    expect(found).toHaveLength(1);
    const d = found[0] as ts.Diagnostic;
    return { d, start, text: ts.flattenDiagnosticMessageText(d.messageText, "\n") };
  };

  it("matmul: inner dimensions differ, at b", () => {
    const { d, start, text } = diagnosticAt("matmul(W, x748)", "x748");
    expect(d.start).toBe(start);
    expect(d.length).toBe("x748".length);
    expect(text).toContain("matmul: inner dimensions 784 and 748 differ ([128, 784] @ [748, 'm'])");
  });
  it("matmul: the message is three lines (the last overload's error), not every overload's", () => {
    const { text } = diagnosticAt("matmul(W, x748)", "x748");
    expect(text.split("\n")).toEqual([
      "No overload matches this call.",
      "  The last overload gave the following error.",
      "    Argument of type 'Tensor<[748, \"m\"]>' is not assignable to parameter of type '\"matmul: inner dimensions 784 and 748 differ ([128, 784] @ [748, 'm'])\"'.",
    ]);
  });
  it("matmul: a batched inner mismatch, at b (not the whole call)", () => {
    const { d, start, text } = diagnosticAt("matmul(B3, W44)", "W44");
    expect(d.start).toBe(start);
    expect(d.length).toBe("W44".length);
    expect(text).toContain("matmul: inner dimensions 3 and 4 differ ([10, 2, 3] @ [4, 4])");
  });
  it("transpose: a 3-D tensor, at x, naming the op", () => {
    const { d, start, text } = diagnosticAt("transpose(X3)", "X3");
    expect(d.start).toBe(start);
    expect(text).toBe("Argument of type 'Tensor<[2, 3, 4]>' is not assignable to parameter of type '\"transpose: expects a 2-D tensor, got [2, 3, 4] (use permute for other ranks)\"'.");
  });
  it("reshape: a target naming a dim x does not carry there, at the target, naming the op", () => {
    const { d, start, text } = diagnosticAt('reshape(Xm, ["n", 28, 28])', '["n", 28, 28]');
    expect(d.start).toBe(start);
    expect(text).toContain("reshape: cannot reshape ['m', 784] into ['n', 28, 28]: a named target dim keeps its axis, and axis 0 of ['m', 784] is not 'n'");
  });
  it("add: a transposed dW added to W, at dW", () => {
    const { d, start, text } = diagnosticAt("add(W, dWt)", "dWt");
    expect(d.start).toBe(start);
    expect(text).toContain("add: shapes [128, 784] and [784, 128] do not broadcast (784 vs 128)");
  });
  it("reshape: 784 elements into 780, at the target shape", () => {
    const { d, start, text } = diagnosticAt("reshape(zeros([28, 28]), [780])", "[780]");
    expect(d.start).toBe(start);
    expect(text).toContain("reshape: cannot reshape [28, 28] (784 elements) into [780] (780 elements)");
  });
  it("sum: axis 2 of a 2-D tensor, at the axis", () => {
    const { d, start, text } = diagnosticAt("sum(W, 2)", "2");
    expect(d.start).toBe(start);
    expect(text).toContain("sum: axis 2 is out of range for [128, 784] (rank 2)");
  });
  it("where: a branch that does not broadcast, at that branch, in three lines", () => {
    const { d, start, text } = diagnosticAt("where(gt(W, 0), W, dWt)", "dWt");
    expect(d.start).toBe(start);
    expect(text.split("\n")).toEqual([
      "No overload matches this call.",
      "  The last overload gave the following error.",
      "    Argument of type 'Tensor<[784, 128]>' is not assignable to parameter of type '\"where: shapes [128, 784] and [784, 128] do not broadcast (784 vs 128)\"'.",
    ]);
  });
  it("slice through flow: at the step, naming its data-last type, then the rule's message", () => {
    const { d, start, text } = diagnosticAt("flow(relu<[3, 4]>, slice(0, 2, 50))", "slice(0, 2, 50)");
    expect(d.start).toBe(start);
    expect(text.split("\n")).toEqual([
      "Argument of type 'SliceBy<0, 2, 50>' is not assignable to parameter of type '(b: Tensor<[3, 4]>) => Tensor<Shape>'.",
      "  Types of parameters 'x' and 'b' are incompatible.",
      "    Type 'Tensor<[3, 4]>' is not assignable to type '\"slice: range 2:50 is out of bounds for axis 0 of [3, 4] (size 3)\"'.",
    ]);
  });
  it("sequential: a batch-norm layer of the wrong width after dense, at that layer, both sides as shapes", () => {
    const { d, start, text } = diagnosticAt('sequential([dense(784, 128, { layout: "rows" }), batchNormLayer([64])])', "batchNormLayer([64])");
    expect(d.start).toBe(start);
    expect(d.length).toBe("batchNormLayer([64])".length);
    expect(text).toBe("Type 'ImageLayer<\"batchNorm\", readonly [64], readonly [64], BatchNormParams<64>>' is not assignable to type '\"sequential: layer 1 takes [64] but layer 0 gives [128]\"'.");
  });
  it("a layer's apply: the wrong input, at that input, naming the layer and both shapes", () => {
    const conv = diagnosticAt("auditConv.apply(auditConvP, img98)", "img98");
    expect(conv.d.start).toBe(conv.start);
    expect(conv.d.length).toBe("img98".length);
    expect(conv.text).toBe("Argument of type 'Tensor<[2, 9, 8, 1]>' is not assignable to parameter of type '\"conv2dLayer.apply: A_prev must be [m, 8, 8, 1], got [2, 9, 8, 1]\"'.");
    const d = diagnosticAt("auditDense.apply(auditDenseP, x748)", "x748");
    expect(d.d.start).toBe(d.start);
    expect(d.text).toBe("Argument of type 'Tensor<[748, \"m\"]>' is not assignable to parameter of type '\"dense.apply: A_prev must be [784, m], got [748, 'm']\"'.");
  });
  it("nothing else in the program is an error", () => {
    const bad = [
      "matmul(W, x748)",
      "add(W, dWt)",
      "reshape(zeros([28, 28]), [780])",
      "sum(W, 2)",
      "matmul(B3, W44)",
      "transpose(X3)",
      'reshape(Xm, ["n", 28, 28])',
      "flow(relu<[3, 4]>, slice(0, 2, 50))",
      "where(gt(W, 0), W, dWt)",
      "batchNormLayer([64])",
      "auditConv.apply(auditConvP, img98)",
      "auditDense.apply(auditDenseP, x748)",
    ].map((c) => at(c));
    const others = service.getSemanticDiagnostics(file).filter((d) => !bad.some((p) => d.start !== undefined && d.start >= p && d.start < p + 40));
    expect(others.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"))).toEqual([]);
  });
});
