/**
 * Child process for test/node/kill.test.ts: saves the model checkpoint at argv[2] over and over,
 * each time with `meta.n` one higher (starting at argv[3]) and every weight equal to n, and writes
 * `saved n` after each save returns. The test kills it at random points.
 */
import { fill, mlp } from "../../src/index.js";
import { saveModel } from "../../src/node/index.js";

const [path, start] = process.argv.slice(2);
if (path === undefined || start === undefined) throw new Error("save-loop-child: usage: save-loop-child <path> <first n>");
const net = mlp([256, 512, 256, 10]);
for (let n = Number(start); ; n++) {
  const params = { W1: fill([512, 256], n), b1: fill([512, 1], n), W2: fill([256, 512], n), b2: fill([256, 1], n), W3: fill([10, 256], n), b3: fill([10, 1], n) };
  saveModel(path, { model: net, params, meta: { n } });
  process.stdout.write(`saved ${n}\n`);
}
