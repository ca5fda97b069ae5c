/**
 * Merge StrykerJS incremental reports, for two mutation runs on disjoint globs that ran at once
 * (each with its own `--incrementalFile`): the files of each later report replace the earlier
 * one's, and test ids are remapped by (test file, test name), the key Stryker's incremental differ
 * matches tests by.
 *
 *   npx tsx test/mutation/merge.ts test/mutation/incremental.json test/mutation/incremental.json test/mutation/incremental-nn.json
 */
import { readFileSync, writeFileSync } from "node:fs";

interface TestDef {
  readonly id: string;
  readonly name: string;
}
interface Mutant {
  coveredBy?: string[];
  killedBy?: string[];
}
interface Report {
  files: Record<string, { mutants: Mutant[] }>;
  testFiles: Record<string, { tests: TestDef[]; source?: string }>;
}

const [out, first, ...rest] = process.argv.slice(2);
if (out === undefined || first === undefined) {
  console.error("usage: tsx test/mutation/merge.ts OUT.json FIRST.json [MORE.json …]");
  process.exit(2);
}
const read = (p: string): Report => JSON.parse(readFileSync(p, "utf8")) as Report;
const base = read(first);
const idOf = new Map<string, string>();
let next = 0;
for (const [file, tf] of Object.entries(base.testFiles)) {
  for (const t of tf.tests) {
    idOf.set(`${file}\u0000${t.name}`, t.id);
    if (/^\d+$/.test(t.id)) next = Math.max(next, Number(t.id) + 1);
  }
}
for (const path of rest) {
  const r = read(path);
  const remap = new Map<string, string>();
  for (const [file, tf] of Object.entries(r.testFiles)) {
    const into = base.testFiles[file] ?? { tests: [] };
    base.testFiles[file] = into;
    if (tf.source !== undefined) into.source = tf.source;
    for (const t of tf.tests) {
      const key = `${file}\u0000${t.name}`;
      let id = idOf.get(key);
      if (id === undefined) {
        id = String(next++);
        idOf.set(key, id);
        into.tests.push({ ...t, id });
      }
      remap.set(t.id, id);
    }
  }
  for (const [file, f] of Object.entries(r.files)) {
    for (const m of f.mutants) {
      if (m.coveredBy !== undefined) m.coveredBy = m.coveredBy.flatMap((i) => remap.get(i) ?? []);
      if (m.killedBy !== undefined) m.killedBy = m.killedBy.flatMap((i) => remap.get(i) ?? []);
    }
    base.files[file] = f;
  }
}
writeFileSync(out, JSON.stringify(base));
console.log(`${out}: ${Object.keys(base.files).length} mutated files, ${[...idOf.keys()].length} tests`);
