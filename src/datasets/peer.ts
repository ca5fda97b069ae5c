/**
 * The dataset packages are optional peer dependencies, imported when a loader runs. A missing one
 * is an error naming the loader and the package to install, not the engine's "Cannot find
 * package 'mnist' imported from …/dist/src/datasets/index.js".
 *
 * @module
 */

/** Whether `e` says a module could not be found (Node's ESM and CommonJS codes, a browser's or a bundler's message). */
const notFound = (e: unknown): boolean => {
  const code = (e as { code?: unknown } | null)?.code;
  if (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") return true;
  const message = e instanceof Error ? e.message : "";
  return /cannot find (package|module)|failed to resolve module specifier|failed to fetch dynamically imported module/i.test(message);
};

/**
 * `load()` (a dynamic import of the optional peer `name`), or, when the package is not
 * installed, an `Error` naming `fn` and what to install, with the original as `cause`.
 *
 * @internal
 */
export const importPeer = async <M>(fn: string, name: string, load: () => Promise<M>): Promise<M> => {
  try {
    return await load();
  } catch (e) {
    if (notFound(e)) throw new Error(`${fn}: needs the optional peer dependency '${name}', which is not installed: npm install ${name}`, { cause: e });
    throw e;
  }
};
