/** Test helper: run `f` with the WASM backend on `threads` threads, then put the setting back. */
import { configureWasm } from "../../src/backend/wasm/index.js";

export const onThreads = <T>(threads: number, f: () => T): T => {
  const prev = configureWasm({ threads });
  try {
    return f();
  } finally {
    configureWasm(prev);
  }
};
