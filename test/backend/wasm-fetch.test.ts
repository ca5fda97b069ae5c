/**
 * Where a browser fetches the WASM builds: a dev server that did not copy them answers 404, or 200
 * with its HTML fallback page (Vite 7's dev server with typegrad pre-bundled). Either way the
 * error names the URL and says what to do, instead of WebAssembly's "expected magic word".
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { fetchBuild } from "../../src/backend/wasm/platform.js";

const answer = (status: number, body: string | Uint8Array) => async () => ({
  ok: status >= 200 && status < 300,
  status,
  arrayBuffer: async () => (typeof body === "string" ? new TextEncoder().encode(body) : body).slice().buffer,
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("fetchBuild", () => {
  it("names the URL and the fix when the server answers an HTML page with 200", async () => {
    vi.stubGlobal("fetch", answer(200, "<!doctype html><html><body>app</body></html>"));
    await expect(fetchBuild("typegrad-relaxed.wasm")).rejects.toThrow(
      /^wasm backend: .*typegrad-relaxed\.wasm answered 200 with something that is not a WebAssembly module \(it starts with '<!doctype html>'\).*optimizeDeps: \{ exclude: \["typegrad"\] \}/,
    );
  });
  it("names the URL on a 404", async () => {
    vi.stubGlobal("fetch", answer(404, "not found"));
    await expect(fetchBuild("typegrad.wasm")).rejects.toThrow(/^wasm backend: fetching .*typegrad\.wasm answered 404/);
  });
  it("hands back the bytes of a WebAssembly module", async () => {
    const bytes = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]);
    vi.stubGlobal("fetch", answer(200, bytes));
    expect([...(await fetchBuild("typegrad.wasm"))]).toEqual([...bytes]);
  });
});
