import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  // the package's own name resolves to the sources, as tsconfig.json's paths say
  resolve: {
    alias: [
      { find: /^typegrad$/, replacement: here("./src/index.ts") },
      { find: /^typegrad\/node$/, replacement: here("./src/node/index.ts") },
      { find: /^typegrad\/laws$/, replacement: here("./laws/index.ts") },
      { find: /^typegrad\/datasets$/, replacement: here("./src/datasets/index.ts") },
      { find: /^typegrad\/plot$/, replacement: here("./src/plot/index.ts") },
      { find: /^typegrad\/onnx$/, replacement: here("./src/onnx/index.ts") },
    ],
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
