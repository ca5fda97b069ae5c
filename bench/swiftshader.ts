/**
 * Where a software Vulkan driver for WebGPU in Node lies: SwiftShader from Debian's
 * `chromium-common` (installed: `/usr/lib/chromium`; or unpacked, not installed, by
 * `bench/swiftshader.sh` into `node_modules/.cache/swiftshader`), or the folder named by
 * `TYPEGRAD_SWIFTSHADER_DIR`. The environment it needs must be set when a process starts (the
 * dynamic linker reads `LD_LIBRARY_PATH` then), so tests run WebGPU in a child process.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;

/** The folder holding `vk_swiftshader_icd.json` and `libvulkan.so.1`, or undefined. */
export const swiftshaderDir = (): string | undefined => {
  const candidates = [process.env.TYPEGRAD_SWIFTSHADER_DIR, "/usr/lib/chromium", join(root, "node_modules/.cache/swiftshader/usr/lib/chromium")];
  return candidates.find((d): d is string => d !== undefined && d !== "" && existsSync(join(d, "vk_swiftshader_icd.json")) && existsSync(join(d, "libvulkan.so.1")));
};

/** The environment for a Node process that uses the SwiftShader adapter in `dir`. */
export const swiftshaderEnv = (dir: string): NodeJS.ProcessEnv => ({
  ...process.env,
  VK_ICD_FILENAMES: join(dir, "vk_swiftshader_icd.json"),
  LD_LIBRARY_PATH: [dir, process.env.LD_LIBRARY_PATH].filter((p) => p !== undefined && p !== "").join(":"),
});
