/** Messages between the page and the training worker. */
import type { State } from "../src/config.js";
import type { LayerCheck } from "../src/gradcheck.js";
import type { Heatmaps, Progress } from "../src/net.js";

export type ToWorker =
  | { readonly type: "reset"; readonly state: State; readonly size: number }
  | { readonly type: "play" }
  | { readonly type: "pause" }
  | { readonly type: "step"; readonly epochs: number }
  | { readonly type: "ack" }
  | { readonly type: "setWeight"; readonly layer: number; readonly to: number; readonly from: number; readonly value: number }
  | { readonly type: "gradcheck" };

export interface Snapshot {
  readonly type: "snapshot";
  /** Which reset this belongs to (snapshots of an older network are dropped). */
  readonly generation: number;
  readonly progress: Progress;
  readonly heat: Heatmaps;
  readonly weights: { readonly W: Float32Array[]; readonly b: Float32Array[] };
  /** Optimizer steps per second over the last second of play (0 when paused). */
  readonly stepsPerSec: number;
  readonly playing: boolean;
}

export type FromWorker =
  | { readonly type: "info"; readonly backend: string; readonly threads: number; readonly relaxedSimd: boolean; readonly isolated: boolean }
  | Snapshot
  | { readonly type: "gradcheck"; readonly generation: number; readonly layers: readonly LayerCheck[]; readonly ms: number }
  | { readonly type: "error"; readonly message: string };
