/**
 * Run the agreement checks of `agree.ts` in this process from check `argv[2]` (default 0) on,
 * printing each result as a line `@@case <index> <json>` (a case, an error string, or "done") and
 * a last line `@@skip <reason>` where no adapter can be made.
 */
import { run } from "./agree.js";

const from = Number(process.argv[2] ?? 0);
const report = await run(from, (i, c) => process.stdout.write(`@@case ${i} ${JSON.stringify(c)}\n`));
if (report.skip !== undefined) process.stdout.write(`@@skip ${JSON.stringify(report.skip)}\n`);
process.stdout.write(`@@adapter ${JSON.stringify(report.adapter ?? "")}\n`);
