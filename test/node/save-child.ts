/**
 * Child process for test/node/checkpoint.test.ts: saves one large checkpoint (every element
 * equal to argv[3]) to argv[2], then exits. The test kills it in the middle of the save.
 */
import { fill } from "../../src/index.js";
import { saveCheckpoint } from "../../src/node/index.js";

const [path, value] = process.argv.slice(2);
if (path === undefined || value === undefined) throw new Error("save-child: usage: save-child.ts <path> <value>");
const params = { W: fill([2048, 4096], Number(value)), b: fill([2048, 1], Number(value)) };
process.stdout.write("saving\n");
saveCheckpoint(path, params);
process.stdout.write("saved\n");
