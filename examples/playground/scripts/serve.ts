/**
 * `npm run playground`: build typegrad and the page, then serve examples/playground/dist/ with
 * cross-origin isolation on `PORT` (default 5173). `npm run build:playground` (`--build-only`)
 * only writes the static site.
 */
import { buildSite, serve } from "./site.js";

const dir = buildSite();
if (process.argv.includes("--build-only")) {
  console.log(`playground: static site in ${dir}`);
} else {
  const port = Number(process.env.PORT ?? 5173);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`playground: PORT must be a port number, got ${JSON.stringify(process.env.PORT)}`);
  const { url } = await serve(dir, port, process.env.HOST ?? "127.0.0.1");
  console.log(`playground: serving ${dir} at ${url} (cross-origin isolated; Ctrl-C stops)`);
}
