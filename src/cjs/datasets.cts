/**
 * The CommonJS face of `typegrad/datasets`: `require("typegrad/datasets")` gets the one ESM build through Node's
 * require(esm) (Node 20.19 and later), so CommonJS and ESM code share one module instance (one
 * backend, one memory arena). No second build, no dual-package hazard.
 *
 * @module
 */
import type * as entry from "../datasets/index.js" with { "resolution-mode": "import" };

const m: typeof entry = require("../datasets/index.js");
export = m;
