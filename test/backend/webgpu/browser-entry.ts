/** The agreement checks in a browser page: the report lands on `globalThis.__webgpuReport`. */
import { registeredOps } from "../../../src/ops/registry.js";
import { run } from "./agree.js";

// every op module, so the reference backend knows every scalar kernel (a bundle drops unused ones)
if (registeredOps.length === 0) throw new Error("no ops registered");

const g = globalThis as { __webgpuReport?: unknown };
run().then(
  (r) => {
    g.__webgpuReport = r;
  },
  (e: unknown) => {
    g.__webgpuReport = { errors: [`run threw: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`] };
  },
);
