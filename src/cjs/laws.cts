/**
 * The CommonJS face of `typegrad/laws`: `require("typegrad/laws")` gets the one ESM build through Node's
 * require(esm) (Node 20.19 and later), so CommonJS and ESM code share one module instance (one
 * backend, one memory arena). No second build, no dual-package hazard.
 *
 * @module
 */
import type * as entry from "../../laws/index.js" with { "resolution-mode": "import" };

import peer = require("./peer.cjs");

// without its optional peer fast-check, an error naming it and what to install (as Node's ESM entry, dist/laws/node.js, says)
const m: typeof entry = peer.loadEntry("typegrad/laws", "fast-check", "--save-dev fast-check", () => require("../../laws/index.js"));
export = m;
