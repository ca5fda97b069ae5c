/**
 * The CommonJS face of `typegrad/onnx`: `require("typegrad/onnx")` gets the one ESM build through Node's
 * require(esm) (Node 20.19 and later), so CommonJS and ESM code share one module instance (one
 * backend, one memory arena). No second build, no dual-package hazard.
 *
 * @module
 */
import type * as entry from "../onnx/index.js" with { "resolution-mode": "import" };

import peer = require("./peer.cjs");

// without its optional peer onnx-proto, an error naming it and what to install (as Node's ESM entry, dist/src/onnx/node.js, says)
const m: typeof entry = peer.loadEntry("typegrad/onnx", "onnx-proto", "onnx-proto", () => require("../onnx/index.js"));
export = m;
