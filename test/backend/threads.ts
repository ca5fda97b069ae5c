/** Test helper: run `f` with the WASM backend on `threads` threads, then put the setting back. */
import { configureWasm, wasmStats } from "../../src/backend/wasm/index.js";

export const onThreads = <T>(threads: number, f: () => T): T => {
  const prev = configureWasm({ threads });
  try {
    return f();
  } finally {
    configureWasm(prev);
  }
};

/** Wait (at most `limitMs`) until the pool runs `n` threads (they start asynchronously); the count it runs. */
export const untilThreads = async (n: number, limitMs = 10_000): Promise<number> => {
  const end = Date.now() + limitMs;
  while (wasmStats().threads < n && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
  return wasmStats().threads;
};
