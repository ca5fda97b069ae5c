/**
 * `npm run api`: the public surface of every entry point, as API Extractor reports it from the
 * built declarations (`dist/`, made by `npm run build`), compared with the reports checked in
 * beside this file (`test/api/*.api.md`). A change to the public API fails this check until the
 * report is regenerated with `npm run api -- --update` and committed, so it shows in review.
 */
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { Extractor, ExtractorConfig, type ExtractorMessage } from "@microsoft/api-extractor";
import { entries as packageEntries } from "../entries.js";

const root = join(import.meta.dirname, "..", "..");
const update = process.argv.includes("--update");
const entries = packageEntries.map((e) => ({ name: e.name.replace("/", "-"), dts: e.dts }));
const temp = join(root, "out", "api");
mkdirSync(temp, { recursive: true });

let failed = 0;
for (const e of entries) {
  const entry = join(root, e.dts);
  if (!existsSync(entry)) {
    console.log(`FAIL ${e.name}: ${e.dts} is missing; run 'npm run build' first`);
    failed++;
    continue;
  }
  const config = ExtractorConfig.prepare({
    configObject: {
      projectFolder: root,
      newlineKind: "lf",
      mainEntryPointFilePath: entry,
      compiler: { tsconfigFilePath: join(root, "tsconfig.build.json") },
      apiReport: { enabled: true, reportFileName: `${e.name}.api.md`, reportFolder: join(root, "test", "api"), reportTempFolder: temp },
      docModel: { enabled: false },
      dtsRollup: { enabled: false },
      tsdocMetadata: { enabled: false },
      messages: {
        extractorMessageReporting: {
          default: { logLevel: "none" as never },
          // a type the API uses but does not export is written into the report for reviewers
          "ae-forgotten-export": { logLevel: "none" as never, addToApiReportFile: true },
        },
        tsdocMessageReporting: { default: { logLevel: "none" as never } },
        compilerMessageReporting: { default: { logLevel: "warning" as never } },
      },
    },
    configObjectFullPath: join(root, "package.json"),
    packageJsonFullPath: join(root, "package.json"),
  });
  const messages: ExtractorMessage[] = [];
  const result = Extractor.invoke(config, {
    localBuild: update,
    messageCallback: (m) => {
      const reportNotice = update && String(m.messageId).startsWith("console-api-report");
      if ((m.logLevel === "warning" || m.logLevel === "error") && !reportNotice) messages.push(m);
      m.handled = true;
    },
  });
  const changed = result.apiReportChanged && !update;
  if (!result.succeeded || changed || messages.length > 0) {
    failed++;
    console.log(`FAIL ${e.name}: ${changed ? `the public API changed: compare test/api/${e.name}.api.md with out/api/${e.name}.api.md, then 'npm run api -- --update'` : ""}`);
    for (const m of messages.slice(0, 10)) console.log(`  ${m.text}`);
  } else console.log(`ok   ${e.name}${update && result.apiReportChanged ? " (report updated)" : ""}`);
}
console.log(`api: ${entries.length - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
