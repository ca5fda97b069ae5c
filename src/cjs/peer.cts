/**
 * An entry whose optional peer dependency is not installed (`typegrad/laws` without fast-check,
 * `typegrad/onnx` without onnx-proto) says so, naming the entry, the package and what to install,
 * as the dataset loaders do, instead of Node's "Cannot find package 'fast-check' imported from
 * …/dist/laws/index.js". Used by the CommonJS faces here and by Node's ESM entries that
 * `scripts/bundle.ts` writes (`dist/laws/node.js`, `dist/src/onnx/node.js`).
 *
 * @module
 */

/** Whether `e` is Node's "cannot find package `peer`" (ESM or CommonJS). */
const peerMissing = (e: unknown, peer: string): boolean => {
  const { code, message } = (e ?? {}) as { code?: unknown; message?: unknown };
  return (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") && String(message).includes(`'${peer}'`);
};

/** The message: `typegrad/laws: needs the optional peer dependency 'fast-check', which is not installed: npm install --save-dev fast-check`. */
const peerMessage = (entry: string, peer: string, install: string): string => `${entry}: needs the optional peer dependency '${peer}', which is not installed: npm install ${install}`;

/** `load()`, or, when it fails for want of `peer`, an `Error` saying so (the original as `cause`). */
const loadEntry = <M,>(entry: string, peer: string, install: string, load: () => M): M => {
  try {
    return load();
  } catch (e) {
    if (peerMissing(e, peer)) throw new Error(peerMessage(entry, peer, install), { cause: e });
    throw e;
  }
};

export = { peerMissing, peerMessage, loadEntry };
