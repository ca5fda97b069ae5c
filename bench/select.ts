/**
 * Which rows a bench run measures: `npm run bench -- --only elementwise,reductions` (or
 * `--only elementwise --only matmul`) runs those groups alone, for every implementation, so that
 * a few rows can be rerun in a minute; without `--only` every group runs.
 */

/** The row groups, in the order the bench runs them. */
export const GROUPS = {
  matmul: "the matmul rows",
  elementwise: "sigmoid, tanh, exp, relu over 1e6 values, bias add",
  reductions: "sum and mean over 1e6 values, a row sum, softmax",
  mlp: "the MLP train steps (small and big), per implementation",
  mnist: "one epoch of the main job's fit loop (typegrad)",
  cold: "time to peak: a fresh process per implementation",
  lstm: "the LSTM train step",
  step: "the MLP step interleaved across implementations, and fit against the core step",
  memory: "memory over 10,000 training steps",
  types: "the type-checker cost of typed models",
} as const;

export type Group = keyof typeof GROUPS;

/** The groups named by `--only` in `argv` (every group when there is none). */
export const parseOnly = (argv: readonly string[]): ReadonlySet<Group> => {
  const named: string[] = [];
  argv.forEach((a, i) => {
    if (a === "--only") named.push(...(argv[i + 1] ?? "").split(","));
    else if (a.startsWith("--only=")) named.push(...a.slice("--only=".length).split(","));
  });
  const known = Object.keys(GROUPS) as Group[];
  if (argv.includes("--only") && named.every((n) => n === "")) throw new Error(`bench: option '--only' needs a comma-separated list of groups: ${known.join(", ")}`);
  const wanted = named.filter((n) => n !== "");
  for (const n of wanted) if (!known.includes(n as Group)) throw new Error(`bench: option '--only' got an unknown group '${n}'; the groups are ${known.join(", ")}`);
  return new Set(wanted.length === 0 ? known : (wanted as Group[]));
};

/** This process's selection. */
export const only: ReadonlySet<Group> = parseOnly(process.argv);

/** Whether group `g` runs in this process. */
export const runs = (g: Group): boolean => only.has(g);
