/**
 * The CommonJS face of `typegrad/laws`: `require("typegrad/laws")` gets the one ESM build through Node's
 * require(esm) (Node 20.19 and later), so CommonJS and ESM code share one module instance (one
 * backend, one memory arena). No second build, no dual-package hazard.
 *
 * @module
 */
import type * as entry from "../../laws/index.js" with { "resolution-mode": "import" };

/** The bundle, or, when its optional peer fast-check is not installed, an error naming it and what to install (as Node's ESM entry, dist/laws/node.js, says). */
const load = (): typeof entry => {
  try {
    return require("../../laws/index.js");
  } catch (e) {
    const { code, message } = (e ?? {}) as { code?: unknown; message?: unknown };
    if ((code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") && /'fast-check'/.test(String(message)))
      throw new Error("typegrad/laws: needs the optional peer dependency 'fast-check', which is not installed: npm install --save-dev fast-check", { cause: e });
    throw e;
  }
};
const m: typeof entry = load();
export = m;
