/**
 * The playground's pure parts, in Node: the URL state, the data, the session, and the code panel's
 * program, which must type-check as is (strict, with the repo's options and the package-name paths)
 * and train exactly as the page does. The page itself is driven in Chromium by
 * test/playground/run.ts (`npm run test:playground`).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import ts from "typescript";
import { afterAll, describe, expect, it } from "vitest";
import { program } from "../../examples/playground/src/codegen.js";
import { activations, dataSets, defaults, featureNames, optimizers, parseState, regimes, regularizations, type State, stateToHash } from "../../examples/playground/src/config.js";
import { makeData } from "../../examples/playground/src/data.js";
import { Session } from "../../examples/playground/src/net.js";
import { compilerOptions, root } from "../doc-examples/collect.js";

const arbState: fc.Arbitrary<State> = fc.record({
  data: fc.constantFrom(...dataSets),
  classes: fc.integer({ min: 2, max: 8 }),
  points: fc.integer({ min: 20, max: 2000 }),
  noise: fc.integer({ min: 0, max: 50 }),
  trainRatio: fc.integer({ min: 10, max: 90 }),
  regime: fc.constantFrom(...regimes),
  batch: fc.integer({ min: 1, max: 64 }),
  features: fc.subarray([...featureNames], { minLength: 1 }),
  layers: fc.array(fc.integer({ min: 1, max: 8 }), { maxLength: 6 }),
  activation: fc.constantFrom(...activations),
  optimizer: fc.constantFrom(...optimizers),
  lr: fc.double({ min: 1e-6, max: 10, noNaN: true }),
  regularization: fc.constantFrom(...regularizations),
  regRate: fc.double({ min: 0, max: 10, noNaN: true }),
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  discretize: fc.boolean(),
  showTest: fc.boolean(),
});

describe("the URL state", () => {
  it("reads back every state it writes", () => {
    fc.assert(
      fc.property(arbState, (s) => {
        const p = parseState(stateToHash(s));
        expect(p.problems).toEqual([]);
        expect(p.state).toEqual(s);
      }),
      { numRuns: 200 },
    );
  });
  it("falls back to the default for a bad or unknown field, and says why", () => {
    const p = parseState("#layers=9,x&lr=-1&data=moons&features=&bogus=1&seed=7");
    expect(p.state).toEqual({ ...defaults, seed: 7 });
    expect(p.problems).toEqual([
      'layers: expected up to 6 comma-separated sizes 1–8, got "9,x"',
      'lr: expected a number in [1e-6, 10], got "-1"',
      `data: expected one of ${dataSets.join(", ")}, got "moons"`,
      `features: expected a non-empty comma list of ${featureNames.join(", ")}, got ""`,
      "bogus: unknown setting",
    ]);
  });
  it("a link naming an Object.prototype member is an unknown setting, not a page that fails to load", () => {
    // before: `k in readers` found constructor, toString, __proto__ …, and destructuring them threw
    const p = parseState("#constructor=1&toString=x&__proto__=1&hasOwnProperty=1&seed=3");
    expect(p.state).toEqual({ ...defaults, seed: 3 });
    expect(p.problems).toEqual(["constructor: unknown setting", "toString: unknown setting", "__proto__: unknown setting", "hasOwnProperty: unknown setting"]);
  });
});

describe("the data and the session", () => {
  it("the same state gives the same points and the same losses; another seed does not", () => {
    const s = parseState("#data=spiral3&layers=5&optimizer=adam&lr=0.03").state;
    const a = makeData(s);
    expect(a.train.y.length).toBe(250);
    expect(new Set(a.train.y)).toEqual(new Set([0, 1, 2]));
    expect(makeData(s)).toEqual(a);
    expect(makeData({ ...s, seed: 2 }).train.x1).not.toEqual(a.train.x1);
    const run = () => {
      const session = new Session(s);
      session.runEpoch();
      session.runEpoch();
      return session.progress();
    };
    const first = run();
    expect(first.steps).toBe(50);
    expect(run()).toEqual(first);
  });
  it("softmax over k outputs learns the 3-arm spiral; full batch counts one step an epoch", () => {
    const session = new Session(parseState("#data=spiral3&layers=8,8&features=x1,x2,sinx1,sinx2&optimizer=adam&lr=0.03&regime=full").state);
    const before = session.progress();
    for (let e = 0; e < 30; e++) session.runEpoch();
    const after = session.progress();
    expect(after.steps).toBe(30);
    expect(after.trainLoss).toBeLessThan(before.trainLoss * 0.7);
    expect(session.heatmaps(8).neurons.map((l) => l.length)).toEqual([4, 8, 8, 3]);
  });
  it("setWeight changes one weight and nothing else", () => {
    const session = new Session(defaults);
    const before = session.weights();
    session.setWeight(1, 1, 3, 0.5);
    const after = session.weights();
    expect(after.W[1]?.[1 * 4 + 3]).toBe(0.5);
    expect(Array.from(after.W[1] ?? []).filter((w, i) => w !== before.W[1]?.[i])).toEqual([0.5]);
    expect(() => session.setWeight(1, 2, 0, 1)).toThrow("setWeight: no weight 1:2←0");
  });
});

describe("the code panel's program", () => {
  const dir = mkdtempSync(join(tmpdir(), "typegrad-playground-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // as in a user's ESM project
  writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
  const configs = {
    spiral: "#data=spiral&layers=8,8,8&features=x1,x2,sinx1,sinx2&optimizer=adam&lr=0.03&regularization=L2&regRate=0.001",
    fiveArms: "#data=spiral5&layers=6,6&activation=relu&optimizer=momentum&regime=full&regularization=L1&regRate=0.0001",
    regression: "#data=multigauss&layers=3&activation=prelu&regime=online&optimizer=rmsprop&lr=0.01&points=100",
    noHidden: "#data=blobs&classes=5&layers=&features=x1,x2,x1x2&optimizer=sgd",
  };
  const files = Object.entries(configs).map(([name, hash]) => {
    const file = join(dir, `${name}.ts`);
    writeFileSync(file, program(parseState(hash).state, 2));
    return file;
  });
  const wrong = join(dir, "wrong.ts");
  writeFileSync(wrong, program(parseState(configs.spiral).state).replace('dense(8, 8, { activation: "tanh" }),\n  dense(8, 8,', 'dense(8, 8, { activation: "tanh" }),\n  dense(7, 8,'));

  it("type-checks as is (strict), and a layer that does not fit is a compile error naming it", () => {
    const prog = ts.createProgram([...files, wrong], compilerOptions());
    const messages = (f: string) => ts.getPreEmitDiagnostics(prog, prog.getSourceFile(f)).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    for (const f of files) expect(messages(f), f).toEqual([]);
    expect(messages(wrong).join("\n")).toContain("sequential: layer 2 takes 7 inputs but layer 1 gives 8");
  });

  it("trains loss for loss as the page's session does", () => {
    const r = spawnSync(process.execPath, ["--import", "tsx", files[0] as string, "2"], { cwd: root, encoding: "utf8", env: { ...process.env, TYPEGRAD_BACKEND: "reference" } });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim().split("\n").pop() as string) as { trainLoss: number; testLoss: number };
    const session = new Session(parseState(configs.spiral).state);
    session.runEpoch();
    session.runEpoch();
    const p = session.progress();
    expect(out).toEqual({ epochs: 2, trainLoss: p.trainLoss, testLoss: p.testLoss });
  });
});
