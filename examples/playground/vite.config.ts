/**
 * Vite builds the playground from web/ into dist/ (never the package's dist/). `typegrad` and
 * `typegrad/laws` resolve as a user's app resolves them: through package.json's `exports` (the
 * built package, `npm run build`), not into src/.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));
const pkg = JSON.parse(readFileSync(here("../../package.json"), "utf8")) as { exports: Record<string, string | { import?: { default?: string } }> };
const entry = (sub: string): string => {
  const target = pkg.exports[sub];
  const file = typeof target === "object" ? target.import?.default : undefined;
  if (file === undefined) throw new Error(`playground: package.json exports has no import condition for '${sub}'`);
  return here(`../../${file}`);
};

/** Cross-origin isolation (SharedArrayBuffer, WASM threads) for the dev and preview servers. */
export const isolation = { "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp" } as const;

export default defineConfig({
  root: here("./web"),
  base: "./",
  logLevel: "warn",
  resolve: {
    alias: [
      { find: /^typegrad$/, replacement: entry(".") },
      { find: /^typegrad\/laws$/, replacement: entry("./laws") },
    ],
  },
  // the checker's chunk carries the TypeScript compiler: its transform is slow, and that is known
  worker: { format: "es", rolldownOptions: { checks: { bundlerTimings: false } } },
  build: { outDir: here("./dist"), emptyOutDir: true, target: "es2022", chunkSizeWarningLimit: 8000, rolldownOptions: { checks: { bundlerTimings: false } } },
  server: { headers: isolation },
  preview: { headers: isolation },
});
