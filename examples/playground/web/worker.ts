/**
 * The training worker: the network trains here, on typegrad's WASM backend, so that drawing on
 * the page stays smooth. While playing it runs steps in slices of ~8 ms and posts a snapshot
 * (losses, every neuron's heatmap, the weights) whenever fewer than two wait to be drawn.
 */
import { fromArray, getBackend, ready, wasmStats } from "typegrad";
import { outputsOf } from "../src/config.js";
import { gradientCheck } from "../src/gradcheck.js";
import { costOf, featureMatrix, Session, targetMatrix } from "../src/net.js";
import type { FromWorker, Snapshot, ToWorker } from "./protocol.js";

const post = (m: FromWorker, transfer: Transferable[] = []): void => (self as unknown as { postMessage(m: unknown, t: Transferable[]): void }).postMessage(m, transfer);

let session: Session | undefined;
let size = 40;
let generation = 0;
let playing = false;
/** Snapshots posted and not yet drawn (or dropped) by the page: at most two, so drawing and training overlap. */
let inFlight = 0;
let scheduled = false;
/** Yield to the event loop (the page's messages) without setTimeout's 4 ms clamp. */
const channel = new MessageChannel();
const schedule = (): void => {
  if (scheduled) return;
  scheduled = true;
  channel.port2.postMessage(null);
};
/** Steps and times of the last second of play, for steps/s. */
const recent: [number, number][] = [];

const snapshot = (): void => {
  if (session === undefined) return;
  info();
  const now = performance.now();
  while (recent.length > 0 && now - (recent[0] as [number, number])[0] > 1000) recent.shift();
  const first = recent[0];
  const rate = playing && first !== undefined && now - first[0] > 100 ? ((session.steps - first[1]) * 1000) / (now - first[0]) : 0;
  const heat = session.heatmaps(size);
  const weights = session.weights();
  const m: Snapshot = { type: "snapshot", generation, progress: session.progress(), heat, weights, stepsPerSec: rate, playing };
  inFlight++;
  post(m, [
    ...heat.neurons.flat().map((a) => a.buffer),
    heat.output.buffer,
    ...(heat.classOf === undefined ? [] : [heat.classOf.buffer]),
    ...weights.W.map((w) => w.buffer),
    ...weights.b.map((b) => b.buffer),
  ]);
};

/** Train in slices of ~8 ms while playing; post a snapshot whenever fewer than two are in flight. */
const loop = (): void => {
  scheduled = false;
  if (!playing || session === undefined) return;
  const t0 = performance.now();
  try {
    do session.step();
    while (performance.now() - t0 < 8);
  } catch (e) {
    playing = false;
    post({ type: "error", message: `training stopped: ${e instanceof Error ? e.message : String(e)}` });
    snapshot();
    return;
  }
  recent.push([performance.now(), session.steps]);
  if (inFlight < 2) snapshot();
  schedule();
};
channel.port1.onmessage = loop;

const handle = (m: ToWorker): void => {
  switch (m.type) {
    case "reset":
      generation++;
      size = m.size;
      session = new Session(m.state);
      recent.length = 0;
      snapshot();
      return;
    case "play":
      playing = true;
      recent.length = 0;
      schedule();
      return;
    case "pause":
      playing = false;
      snapshot();
      return;
    case "step":
      for (let e = 0; e < m.epochs; e++) session?.runEpoch();
      snapshot();
      return;
    case "ack":
      inFlight = Math.max(0, inFlight - 1);
      return;
    case "setWeight":
      session?.setWeight(m.layer, m.to, m.from, m.value);
      snapshot();
      return;
    case "gradcheck": {
      if (session === undefined) return;
      const t0 = performance.now();
      const s = session;
      const { train } = s.data;
      const idx = Array.from({ length: Math.min(16, train.y.length) }, (_, i) => Math.floor((i * train.y.length) / Math.min(16, train.y.length)));
      const out = outputsOf(s.state);
      const X = fromArray([s.state.features.length, idx.length], featureMatrix(s.state.features, train.x1, train.x2, idx));
      const Y = fromArray([out, idx.length], targetMatrix(out, train.y, idx));
      const layers = gradientCheck(s.layers, s.params, costOf(s.state), X, Y, { seed: s.steps });
      post({ type: "gradcheck", generation, layers, ms: performance.now() - t0 });
      return;
    }
  }
};

const queue: ToWorker[] = [];
let started = false;
self.onmessage = (e: MessageEvent<ToWorker>) => {
  if (!started) {
    queue.push(e.data);
    return;
  }
  try {
    handle(e.data);
  } catch (err) {
    post({ type: "error", message: err instanceof Error ? err.message : String(err) });
  }
};

/** Threads last reported to the page: the pool's workers start after `ready()`, so it can grow. */
let reportedThreads = 0;
const info = (): void => {
  const s = wasmStats();
  if (s.threads === reportedThreads) return;
  reportedThreads = s.threads;
  post({ type: "info", backend: getBackend().name, threads: s.threads, relaxedSimd: s.relaxedSimd, isolated: (self as unknown as { crossOriginIsolated?: boolean }).crossOriginIsolated === true });
};

ready("wasm").then(
  () => {
    info();
    started = true;
    for (const m of queue.splice(0)) handle(m);
  },
  (err: unknown) => post({ type: "error", message: `the WASM backend did not load: ${err instanceof Error ? err.message : String(err)}` }),
);
