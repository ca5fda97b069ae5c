import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import { entries } from "./test/entries.js";

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  // the package's own name resolves to the sources (the entries of package.json's exports)
  resolve: {
    alias: entries.map((e) => ({ find: new RegExp(`^${e.name.replace("/", "\\/")}$`), replacement: here(`./${e.src}`) })),
  },
  test: {
    include: ["test/**/*.test.ts", "laws/**/*.test.ts"],
    pool: "threads",
    testTimeout: 120_000,
    // The reference backend is the tests' oracle and default; tests of the WASM backend choose it
    // explicitly, and test/backend/default.test.ts checks the default a user gets.
    env: { TYPEGRAD_BACKEND: "reference" },
  },
});
