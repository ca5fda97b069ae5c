import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "laws/**/*.test.ts"],
    pool: "threads",
    testTimeout: 120_000,
  },
});
