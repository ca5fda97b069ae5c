/** `npm run bench -- --only …`: which row groups a bench run measures (bench/select.ts). */
import { describe, expect, it } from "vitest";
import { GROUPS, parseOnly } from "../../bench/select.js";

const all = Object.keys(GROUPS);

describe("bench --only", () => {
  it("runs every group when no --only is given", () => {
    expect([...parseOnly(["node", "run.ts"])]).toEqual(all);
    expect([...parseOnly(["node", "run.ts", "--quick"])]).toEqual(all);
  });

  it("runs the groups named by one or more --only options, comma-separated or repeated", () => {
    expect([...parseOnly(["--only", "elementwise,reductions"])]).toEqual(["elementwise", "reductions"]);
    expect([...parseOnly(["--only", "matmul", "--quick", "--only=mlp"])]).toEqual(["matmul", "mlp"]);
  });

  it("names the option, the bad group and the known groups in its errors", () => {
    expect(() => parseOnly(["--only", "elementwsie"])).toThrow(`bench: option '--only' got an unknown group 'elementwsie'; the groups are ${all.join(", ")}`);
    expect(() => parseOnly(["--only"])).toThrow("bench: option '--only' needs a comma-separated list of groups");
  });
});
