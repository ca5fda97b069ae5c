/**
 * The page: controls ↔ state ↔ URL, the network drawing (a heatmap per neuron, links by weight),
 * the output, the loss chart, the gradient check and the code panel. Training runs in a worker.
 */
import { reference, rng, withBackend } from "typegrad";
import { program } from "../src/codegen.js";
import {
  type Activation,
  activations,
  classesOf,
  type DataSet,
  dataSets,
  defaults,
  type FeatureName,
  featureNames,
  learningRates,
  MAX_LAYERS,
  MAX_NEURONS,
  optimizers,
  parseState,
  problemOf,
  regRates,
  regularizations,
  type State,
  sizesOf,
  stateToHash,
} from "../src/config.js";
import { allPoints, type DataSplit, makeData } from "../src/data.js";
import { drawChart, drawClasses, drawPoints, drawValues, targetColor } from "./draw.js";
import type { FromWorker, Snapshot, ToWorker } from "./protocol.js";

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const e = document.getElementById(id);
  if (e === null) throw new Error(`playground: no element #${id}`);
  return e as T;
};

const GRID = 40;
const NODE = 36;
const GAP = 46;
const TOP = 34;

const featureLabels: Record<FeatureName, string> = { x1: "x₁", x2: "x₂", x1sq: "x₁²", x2sq: "x₂²", x1x2: "x₁x₂", sinx1: "sin(x₁)", sinx2: "sin(x₂)" };
const dataLabels: Record<DataSet, string> = {
  circle: "Circle",
  xor: "XOR",
  gauss: "Gaussian",
  spiral: "Spiral",
  spiral3: "3-arm spiral",
  spiral5: "5-arm spiral",
  blobs: "k blobs",
  plane: "Plane",
  multigauss: "Multi-Gaussian",
};
const activationLabels: Record<Activation, string> = { tanh: "Tanh", relu: "ReLU", sigmoid: "Sigmoid", linear: "Linear", leakyRelu: "Leaky ReLU", elu: "ELU", prelu: "PReLU", rrelu: "RReLU" };
const optimizerLabels = { sgd: "SGD", momentum: "Momentum", rmsprop: "RMSProp", adam: "Adam" } as const;

// -------------------------------------------------------------------------------------
// state
// -------------------------------------------------------------------------------------

const initial = parseState(location.hash);
let state: State = initial.state;
let data: DataSplit = withBackend(reference, () => makeData(state));
let last: Snapshot | undefined;
let generation = 0;
let playing = false;
const losses: { train: number[]; test: number[] } = { train: [], test: [] };
const frames: number[] = [];
let snapshots = 0;
/** Frames drawn since the page opened. */
let drawnFrames = 0;
/** Time to draw one snapshot (ms, moving average). */
let drawMs = 0;
let linkMs = 0;
let pending: Snapshot | undefined;
let info = "";

const worker = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });
const send = (m: ToWorker): void => worker.postMessage(m);

const status = (text: string, error = false): void => {
  const s = $("status");
  s.textContent = text;
  s.classList.toggle("error", error);
};

/** Apply a change: the URL, the controls, and (unless only the view changed) a new network. */
const update = (patch: Partial<State>): void => {
  const before = state;
  state = { ...state, ...patch };
  window.history.replaceState(null, "", stateToHash(state));
  const viewOnly = (Object.keys(patch) as (keyof State)[]).every((k) => k === "discretize" || k === "showTest");
  sync();
  if (viewOnly) {
    drawData();
    if (last !== undefined) drawSnapshot(last);
    return;
  }
  if (
    before.data !== state.data ||
    before.seed !== state.seed ||
    before.noise !== state.noise ||
    before.trainRatio !== state.trainRatio ||
    before.classes !== state.classes ||
    before.points !== state.points
  )
    data = withBackend(reference, () => makeData(state));
  reset();
};

const reset = (): void => {
  setPlaying(false);
  generation++;
  last = undefined;
  losses.train = [];
  losses.test = [];
  buildNetwork();
  drawData();
  showProgram();
  $("gradcheck-result").textContent = "";
  send({ type: "reset", state, size: GRID });
};

const setPlaying = (on: boolean): void => {
  playing = on;
  const b = $("play");
  b.setAttribute("aria-pressed", String(on));
  b.setAttribute("aria-label", on ? "Pause" : "Play");
  b.innerHTML = `<svg viewBox="0 0 24 24" aria-hidden="true"><path d="${on ? "M6 19h4V5H6v14zm8-14v14h4V5h-4z" : "M8 5v14l11-7z"}"/></svg>`;
  send({ type: on ? "play" : "pause" });
};

// -------------------------------------------------------------------------------------
// controls
// -------------------------------------------------------------------------------------

const fillSelect = (id: string, values: readonly (string | number)[], label: (v: string) => string = (v) => v): void => {
  const s = $<HTMLSelectElement>(id);
  s.replaceChildren(
    ...values.map((v) => {
      const o = document.createElement("option");
      o.value = String(v);
      o.textContent = label(String(v));
      return o;
    }),
  );
};
fillSelect("lr", learningRates);
fillSelect("activation", activations, (v) => activationLabels[v as Activation]);
fillSelect("optimizer", optimizers, (v) => optimizerLabels[v as keyof typeof optimizerLabels]);
fillSelect("regularization", regularizations, (v) => (v === "none" ? "None" : v));
fillSelect("regRate", regRates);

const datasets = $("datasets");
for (const d of dataSets) {
  const label = document.createElement("label");
  const input = document.createElement("input");
  input.type = "radio";
  input.name = "data";
  input.value = d;
  input.id = `data-${d}`;
  input.addEventListener("change", () => update({ data: d }));
  const thumb = document.createElement("canvas");
  thumb.width = 96;
  thumb.height = 96;
  thumb.setAttribute("aria-hidden", "true");
  const k = classesOf({ data: d, classes: state.classes });
  const problem = problemOf(d);
  withBackend(reference, () =>
    drawPoints(
      thumb,
      [{ points: allPoints({ data: d, classes: defaults.classes, points: 200, noise: 0 }, rng(0)), test: false }],
      (y) => targetColor(y, problem === "multiclass", problem === "binary"),
      3,
    ),
  );
  const text = document.createElement("span");
  text.textContent = dataLabels[d];
  label.append(input, thumb, text);
  label.title = `${dataLabels[d]} (${problem === "regression" ? "regression" : `${k === 4 && d === "blobs" ? "k" : k} classes`})`;
  datasets.append(label);
}

const sync = (): void => {
  for (const d of dataSets) $<HTMLInputElement>(`data-${d}`).checked = state.data === d;
  $<HTMLSelectElement>("lr").value = String(state.lr);
  if ($<HTMLSelectElement>("lr").value !== String(state.lr)) {
    // a rate from the URL that is not in the list
    const o = document.createElement("option");
    o.value = o.textContent = String(state.lr);
    $<HTMLSelectElement>("lr").append(o);
    $<HTMLSelectElement>("lr").value = String(state.lr);
  }
  $<HTMLSelectElement>("activation").value = state.activation;
  $<HTMLSelectElement>("optimizer").value = state.optimizer;
  $<HTMLSelectElement>("regularization").value = state.regularization;
  $<HTMLSelectElement>("regRate").value = String(state.regRate);
  $<HTMLSelectElement>("problem").value = problemOf(state.data) === "regression" ? "regression" : "classification";
  $<HTMLSelectElement>("regime").value = state.regime;
  for (const k of ["trainRatio", "noise", "batch", "classes"] as const) {
    $<HTMLInputElement>(k).value = String(state[k]);
    $(`${k}-out`).textContent = k === "trainRatio" || k === "noise" ? `${state[k]}%` : String(state[k]);
  }
  $("classes-row").hidden = state.data !== "blobs";
  $("batch-row").hidden = state.regime !== "minibatch";
  $<HTMLInputElement>("seed").value = String(state.seed);
  $<HTMLInputElement>("showTest").checked = state.showTest;
  $<HTMLInputElement>("discretize").checked = state.discretize;
  $("layer-count").textContent = String(state.layers.length);
  $<HTMLButtonElement>("add-layer").disabled = state.layers.length >= MAX_LAYERS;
  $<HTMLButtonElement>("remove-layer").disabled = state.layers.length === 0;
};

const onSelect = (id: string, f: (v: string) => Partial<State>): void => $<HTMLSelectElement>(id).addEventListener("change", (e) => update(f((e.target as HTMLSelectElement).value)));
onSelect("lr", (v) => ({ lr: Number(v) }));
onSelect("activation", (v) => ({ activation: v as Activation }));
onSelect("optimizer", (v) => ({ optimizer: v as State["optimizer"] }));
onSelect("regularization", (v) => ({ regularization: v as State["regularization"] }));
onSelect("regRate", (v) => ({ regRate: Number(v) }));
onSelect("regime", (v) => ({ regime: v as State["regime"] }));
onSelect("problem", (v) => (v === "regression" ? { data: problemOf(state.data) === "regression" ? state.data : "plane" } : { data: problemOf(state.data) === "regression" ? "circle" : state.data }));
for (const k of ["trainRatio", "noise", "batch", "classes"] as const) {
  const input = $<HTMLInputElement>(k);
  input.addEventListener("input", () => {
    $(`${k}-out`).textContent = k === "trainRatio" || k === "noise" ? `${input.value}%` : input.value;
  });
  input.addEventListener("change", () => update({ [k]: Number(input.value) }));
}
$<HTMLInputElement>("seed").addEventListener("change", (e) => {
  const v = Number((e.target as HTMLInputElement).value);
  if (Number.isInteger(v) && v >= 0 && v < 2 ** 31) update({ seed: v });
  else status(`seed: expected an integer 0–2147483647, got ${(e.target as HTMLInputElement).value}`, true);
});
$("regenerate").addEventListener("click", () => update({ seed: (state.seed * 48271 + 11) % 2147483647 }));
$<HTMLInputElement>("showTest").addEventListener("change", (e) => update({ showTest: (e.target as HTMLInputElement).checked }));
$<HTMLInputElement>("discretize").addEventListener("change", (e) => update({ discretize: (e.target as HTMLInputElement).checked }));
$("add-layer").addEventListener("click", () => state.layers.length < MAX_LAYERS && update({ layers: [...state.layers, 2] }));
$("remove-layer").addEventListener("click", () => state.layers.length > 0 && update({ layers: state.layers.slice(0, -1) }));
$("play").addEventListener("click", () => setPlaying(!playing));
$("step").addEventListener("click", () => {
  if (playing) setPlaying(false);
  send({ type: "step", epochs: 1 });
});
$("reset").addEventListener("click", () => reset());
$("gradcheck").addEventListener("click", () => {
  $("gradcheck-result").textContent = "checking…";
  send({ type: "gradcheck" });
});
$("copy-code").addEventListener("click", () => {
  void navigator.clipboard?.writeText(editingCode ? $<HTMLTextAreaElement>("code-editor").value : program(state)).then(
    () => status("program copied"),
    () => status("copy failed: select the text instead", true),
  );
});
// -------------------------------------------------------------------------------------
// the code panel: the program, and when edited, the TypeScript checker in a worker
// -------------------------------------------------------------------------------------

let editingCode = false;
let checker: Worker | undefined;
let checkId = 0;
let checkTimer: ReturnType<typeof setTimeout> | undefined;

const showProgram = (): void => {
  const text = program(state);
  $("code").textContent = text;
  if (editingCode) {
    $<HTMLTextAreaElement>("code-editor").value = text;
    scheduleCheck();
  }
};

const scheduleCheck = (): void => {
  clearTimeout(checkTimer);
  checkTimer = setTimeout(() => {
    if (checker === undefined) {
      $("code-diagnostics").textContent = "loading the TypeScript checker…";
      checker = new Worker(new URL("./checker.ts", import.meta.url), { type: "module" });
      checker.onerror = (e) => {
        $("code-diagnostics").textContent = `the checker failed: ${e.message}`;
      };
      checker.onmessage = (e: MessageEvent<{ id: number; ready?: boolean; diagnostics?: { line: number; column: number; message: string }[]; ms?: number }>) => {
        const m = e.data;
        if (m.ready === true || m.id !== checkId || m.diagnostics === undefined) return;
        const out = $("code-diagnostics");
        out.dataset.count = String(m.diagnostics.length);
        if (m.diagnostics.length === 0) {
          out.textContent = `The program type-checks (strict; ${(m.ms ?? 0).toFixed(0)} ms).`;
          return;
        }
        out.replaceChildren(
          ...m.diagnostics.map((d) => {
            const p = document.createElement("p");
            p.className = "bad";
            p.textContent = `line ${d.line}, column ${d.column}: ${d.message}`;
            return p;
          }),
        );
      };
    }
    checkId++;
    $("code-diagnostics").dataset.count = "";
    checker.postMessage({ id: checkId, code: $<HTMLTextAreaElement>("code-editor").value });
  }, 300);
};

$("edit-code").addEventListener("click", () => {
  editingCode = !editingCode;
  $("edit-code").setAttribute("aria-pressed", String(editingCode));
  $("code-view").hidden = editingCode;
  $("code-editor").hidden = !editingCode;
  if (editingCode) {
    $<HTMLTextAreaElement>("code-editor").value = program(state);
    $<HTMLTextAreaElement>("code-editor").focus();
    scheduleCheck();
  } else $("code-diagnostics").textContent = "";
});
$("code-editor").addEventListener("input", scheduleCheck);

window.addEventListener("hashchange", () => {
  const p = parseState(location.hash);
  if (p.problems.length > 0) status(`URL: ${p.problems.join("; ")}`, true);
  state = p.state;
  data = withBackend(reference, () => makeData(state));
  sync();
  reset();
});
document.addEventListener("keydown", (e) => {
  const t = e.target as HTMLElement;
  if (t !== document.body || e.ctrlKey || e.metaKey || e.altKey) return;
  if (e.key === " ") {
    e.preventDefault();
    setPlaying(!playing);
  } else if (e.key === "s") $("step").click();
  else if (e.key === "r") reset();
});

// -------------------------------------------------------------------------------------
// the network
// -------------------------------------------------------------------------------------

interface Link {
  readonly path: SVGPathElement;
  /** The curve's ends, for drawing on the canvas. */
  readonly ends: readonly [number, number, number, number];
  readonly title: SVGTitleElement;
  readonly layer: number;
  readonly to: number;
  readonly from: number;
  readonly name: string;
}
/** Each neuron's heatmap: a scratch canvas (not in the page) and where it goes on the network's one canvas. */
interface NodeMap {
  readonly scratch: HTMLCanvasElement;
  readonly x: number;
  readonly y: number;
}
let nodes: NodeMap[][] = [];
let links: Link[] = [];
let editing: Link | undefined;

const svgNs = "http://www.w3.org/2000/svg";

const buildNetwork = (): void => {
  const net = $("network");
  const svg = $("links") as unknown as SVGSVGElement;
  const canvas = $<HTMLCanvasElement>("link-canvas");
  for (const c of [...net.children]) if (c !== (svg as unknown as Element) && c !== canvas) c.remove();
  svg.replaceChildren();
  const sizes = sizesOf(state);
  const columns = state.layers.length + 2;
  const width = Math.max(net.parentElement?.clientWidth ?? 600, 120 * columns);
  net.style.width = `${width}px`;
  const left = 70;
  const colX = (c: number): number => left + (c * (width - left - NODE - 10)) / (columns - 1);
  const tallest = Math.max(featureNames.length, ...state.layers, 1);
  net.style.height = `${TOP + tallest * GAP + 10}px`;
  canvas.width = width;
  canvas.height = TOP + tallest * GAP + 10;
  const place = (el: HTMLElement, x: number, y: number): void => {
    el.style.left = `${x}px`;
    el.style.top = `${y}px`;
  };
  const pos: { x: number; y: number }[][] = [];
  nodes = [];
  // inputs: every feature, the chosen ones on
  const inputs: NodeMap[] = [];
  const inputPos: { x: number; y: number }[] = [];
  featureNames.forEach((f, i) => {
    const on = state.features.includes(f);
    const box = document.createElement("div");
    box.className = on ? "node" : "node off";
    const toggle = document.createElement("button");
    toggle.type = "button";
    toggle.className = "feature";
    toggle.textContent = featureLabels[f];
    toggle.setAttribute("aria-pressed", String(on));
    toggle.setAttribute("aria-label", `Input feature ${featureLabels[f]}`);
    toggle.addEventListener("click", () => {
      const next = on ? state.features.filter((g) => g !== f) : featureNames.filter((g) => g === f || state.features.includes(g));
      if (next.length === 0) status("at least one input feature is needed", true);
      else update({ features: next });
    });
    box.append(toggle);
    const y = TOP + i * GAP;
    place(box, colX(0), y);
    net.append(box);
    if (on) {
      inputs.push({ scratch: document.createElement("canvas"), x: colX(0), y });
      inputPos.push({ x: colX(0), y });
    }
  });
  nodes.push(inputs);
  pos.push(inputPos);
  // hidden layers and the output
  sizes.slice(1).forEach((n, k) => {
    const col: NodeMap[] = [];
    const cp: { x: number; y: number }[] = [];
    const x = colX(k + 1);
    const hidden = k < sizes.length - 2;
    for (let j = 0; j < n; j++) {
      const box = document.createElement("div");
      box.className = "node";
      box.setAttribute("role", "img");
      box.setAttribute("aria-label", hidden ? `Layer ${k + 1}, neuron ${j + 1}` : `Output ${j + 1}`);
      const y = TOP + j * GAP;
      place(box, x, y);
      net.append(box);
      col.push({ scratch: document.createElement("canvas"), x, y });
      cp.push({ x, y });
    }
    if (hidden) {
      const buttons = document.createElement("div");
      buttons.className = "layer-buttons";
      const mk = (text: string, label: string, delta: number): HTMLButtonElement => {
        const b = document.createElement("button");
        b.type = "button";
        b.textContent = text;
        b.setAttribute("aria-label", label);
        const next = (state.layers[k] as number) + delta;
        b.disabled = next < 1 || next > MAX_NEURONS;
        b.addEventListener("click", () => update({ layers: state.layers.map((m, i) => (i === k ? next : m)) }));
        return b;
      };
      buttons.append(mk("+", `Add a neuron to layer ${k + 1}`, 1), mk("−", `Remove a neuron from layer ${k + 1}`, -1));
      place(buttons, x - 4, 0);
      const label = document.createElement("div");
      label.className = "layer-label";
      label.textContent = `${n} neuron${n === 1 ? "" : "s"}`;
      place(label, x - 4, 18);
      net.append(buttons, label);
    } else {
      const label = document.createElement("div");
      label.className = "layer-label";
      label.textContent = "output";
      place(label, x, 18);
      net.append(label);
    }
    nodes.push(col);
    pos.push(cp);
  });
  // links: layer k's weight W[to][from]
  links = [];
  const names = (k: number, i: number): string => (k === 0 ? featureLabels[state.features[i] as FeatureName] : `neuron ${i + 1} of layer ${k}`);
  sizes.slice(1).forEach((n, k) => {
    for (let to = 0; to < n; to++)
      for (let from = 0; from < (sizes[k] as number); from++) {
        const a = pos[k]?.[from] as { x: number; y: number };
        const b = pos[k + 1]?.[to] as { x: number; y: number };
        const x1 = a.x + NODE;
        const y1 = a.y + NODE / 2;
        const x2 = b.x;
        const y2 = b.y + NODE / 2;
        const path = document.createElementNS(svgNs, "path");
        path.setAttribute("d", `M${x1},${y1} C${(x1 + x2) / 2},${y1} ${(x1 + x2) / 2},${y2} ${x2},${y2}`);
        path.setAttribute("tabindex", "0");
        path.setAttribute("role", "button");
        const title = document.createElementNS(svgNs, "title");
        path.append(title);
        const link: Link = { path, title, ends: [x1, y1, x2, y2], layer: k, to, from, name: `from ${names(k, from)} to ${k === sizes.length - 2 ? `output ${to + 1}` : names(k + 1, to)}` };
        path.addEventListener("click", () => openEditor(link));
        // the weight is read when asked (hover, focus), not rewritten into 400 elements each frame
        const describe = (): void => {
          const text = `Weight ${link.name}: ${weightOf(link).toPrecision(3)}`;
          title.textContent = text;
          path.setAttribute("aria-label", `${text}. Press Enter to edit.`);
        };
        path.addEventListener("pointerenter", describe);
        path.addEventListener("focus", describe);
        path.addEventListener("keydown", (e) => {
          if (e.key === "Enter" || e.key === " ") {
            e.preventDefault();
            openEditor(link);
          }
        });
        svg.append(path);
        links.push(link);
      }
  });
};

const weightOf = (l: Link): number => {
  const W = last?.weights.W[l.layer];
  const nIn = sizesOf(state)[l.layer] as number;
  return W === undefined ? Number.NaN : (W[l.to * nIn + l.from] as number);
};

const openEditor = (l: Link): void => {
  editing = l;
  if (playing) setPlaying(false);
  const form = $<HTMLFormElement>("weight-editor");
  form.hidden = false;
  $("weight-editor-label").textContent = `Weight ${l.name}`;
  const input = $<HTMLInputElement>("weight-value");
  input.value = String(Number(weightOf(l).toPrecision(4)));
  input.focus();
  input.select();
};
$<HTMLFormElement>("weight-editor").addEventListener("submit", (e) => {
  e.preventDefault();
  const v = Number($<HTMLInputElement>("weight-value").value);
  if (editing !== undefined && Number.isFinite(v)) send({ type: "setWeight", layer: editing.layer, to: editing.to, from: editing.from, value: v });
  closeEditor();
});
const closeEditor = (): void => {
  $("weight-editor").hidden = true;
  editing?.path.focus();
  editing = undefined;
};
$("weight-cancel").addEventListener("click", closeEditor);
$("weight-editor").addEventListener("keydown", (e) => {
  if (e.key === "Escape") closeEditor();
});

// -------------------------------------------------------------------------------------
// drawing
// -------------------------------------------------------------------------------------

const drawData = (): void => {
  const p = problemOf(state.data);
  drawPoints($<HTMLCanvasElement>("points"), [{ points: data.train, test: false }, ...(state.showTest ? [{ points: data.test, test: true }] : [])], (y) =>
    targetColor(y, p === "multiclass", p === "binary"),
  );
  $("legend").textContent =
    p === "multiclass"
      ? `${classesOf(state)} classes: softmax cross-entropy over ${classesOf(state)} outputs; colour = the winning class, paler = less sure.`
      : p === "binary"
        ? "Two classes: orange 0, blue 1; one logit, log-loss. The background is P(blue) from orange to blue."
        : "Regression: orange −1 to blue +1; mean squared error.";
};

const fmt = (v: number): string => (Number.isFinite(v) ? v.toFixed(3) : "–");

const drawSnapshot = (s: Snapshot): void => {
  const { heat, progress } = s;
  const p = problemOf(state.data);
  // inputs, scaled to their largest value
  heat.neurons.forEach((layer, k) => {
    const col = nodes[k];
    if (col === undefined) return;
    layer.forEach((values, j) => {
      const c = col[j];
      if (c === undefined) return;
      let scale = 1;
      if (k === 0) {
        scale = 0;
        for (const v of values) scale = Math.max(scale, Math.abs(v));
      }
      const isOut = k === heat.neurons.length - 1;
      if (isOut && p === "binary") drawValues(c.scratch, heat.size, heat.output, 1, state.discretize);
      else drawValues(c.scratch, heat.size, values, scale || 1, isOut && state.discretize);
    });
  });
  const out = $<HTMLCanvasElement>("output");
  if (heat.classOf !== undefined) drawClasses(out, heat.size, heat.classOf, heat.output, classesOf(state), state.discretize);
  else drawValues(out, heat.size, heat.output, 1, state.discretize);
  const tLinks = performance.now();
  drawLinks(s);
  linkMs = 0.9 * linkMs + 0.1 * (performance.now() - tLinks);
  $("epoch").textContent = String(progress.epoch).padStart(3, "0");
  $("epoch").dataset.steps = String(progress.steps);
  const tl = $("test-loss");
  tl.textContent = fmt(progress.testLoss);
  tl.dataset.value = String(progress.testLoss);
  const tr = $("train-loss");
  tr.textContent = fmt(progress.trainLoss);
  tr.dataset.value = String(progress.trainLoss);
  $("test-acc").textContent = Number.isFinite(progress.testAccuracy) ? `${(100 * progress.testAccuracy).toFixed(1)}%` : "–";
  $("rate").textContent = s.playing ? s.stepsPerSec.toFixed(0) : "–";
  drawChart($<HTMLCanvasElement>("loss-chart"), losses.train, losses.test);
};

/**
 * The network on one canvas: links by weight (hundreds of thick translucent SVG curves repaint too
 * slowly), then every neuron's heatmap (one composited layer instead of ~60).
 */
const drawLinks = (s: Snapshot): void => {
  const canvas = $<HTMLCanvasElement>("link-canvas");
  const ctx = canvas.getContext("2d") as CanvasRenderingContext2D;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  const sizes = sizesOf(state);
  for (const l of links) {
    const w = s.weights.W[l.layer]?.[l.to * (sizes[l.layer] as number) + l.from] ?? 0;
    const [x1, y1, x2, y2] = l.ends;
    ctx.beginPath();
    ctx.moveTo(x1, y1);
    ctx.bezierCurveTo((x1 + x2) / 2, y1, (x1 + x2) / 2, y2, x2, y2);
    ctx.lineWidth = Math.min(8, 0.4 + 2.5 * Math.abs(w));
    ctx.strokeStyle = `rgba(${w >= 0 ? "8, 119, 189" : "245, 147, 34"}, ${Math.min(1, 0.35 + Math.abs(w) / 2)})`;
    ctx.stroke();
  }
  for (const col of nodes) for (const n of col) ctx.drawImage(n.scratch, n.x, n.y, NODE, NODE);
};

const frame = (): void => {
  const s = pending;
  if (s !== undefined) {
    pending = undefined;
    const t0 = performance.now();
    drawSnapshot(s);
    frames.push(performance.now());
    drawnFrames++;
    drawMs = 0.9 * drawMs + 0.1 * (performance.now() - t0);
    send({ type: "ack" });
  }
  requestAnimationFrame(frame);
};
requestAnimationFrame(frame);

worker.onmessage = (e: MessageEvent<FromWorker>) => {
  const m = e.data;
  if (m.type === "snapshot") {
    if (m.generation !== generation) {
      send({ type: "ack" });
      return;
    }
    snapshots++;
    last = m;
    losses.train.push(m.progress.trainLoss);
    losses.test.push(m.progress.testLoss);
    if (losses.train.length > 600) {
      losses.train = losses.train.filter((_, i) => i % 2 === 0);
      losses.test = losses.test.filter((_, i) => i % 2 === 0);
    }
    if (pending !== undefined) send({ type: "ack" });
    pending = m;
  } else if (m.type === "info") {
    info = `typegrad ${m.backend} backend${m.relaxedSimd ? " (relaxed SIMD)" : ""}, ${m.threads} thread${m.threads === 1 ? "" : "s"}, in a worker; ${m.isolated ? "cross-origin isolated" : "not cross-origin isolated"}`;
    status(info);
    $("status").dataset.backend = m.backend;
    $("status").dataset.threads = String(m.threads);
    $("status").dataset.isolated = String(m.isolated);
  } else if (m.type === "gradcheck") {
    if (m.generation !== generation) return;
    const table = document.createElement("table");
    table.innerHTML = "<thead><tr><th>Layer</th><th>W</th><th>Activation</th><th>Worst relative error</th><th>Laws</th></tr></thead>";
    const body = document.createElement("tbody");
    let worst = 0;
    let ok = true;
    for (const l of m.layers) {
      worst = Math.max(worst, l.worstRelError);
      const failing = l.laws.filter((x) => !x.ok);
      ok &&= failing.length === 0 && l.worstRelError < 1e-6;
      const tr = document.createElement("tr");
      const cells = [
        String(l.layer),
        l.shape,
        l.activation,
        l.worstRelError.toExponential(2),
        failing.length === 0 ? `${l.laws.length}/${l.laws.length} hold` : `failing: ${failing.map((x) => x.law).join(", ")}`,
      ];
      cells.forEach((c, i) => {
        const td = document.createElement("td");
        td.textContent = c;
        if (i >= 3) td.className = failing.length === 0 && l.worstRelError < 1e-6 ? "ok" : "bad";
        if (i === 4 && failing.length > 0) td.title = failing.map((x) => `${x.law}: ${x.message ?? ""}`).join("\n");
        tr.append(td);
      });
      body.append(tr);
    }
    table.append(body);
    const result = $("gradcheck-result");
    result.replaceChildren(table);
    const note = document.createElement("p");
    note.textContent = `${m.layers.length} layers checked in ${m.ms.toFixed(0)} ms: ${ok ? "every law holds" : "a law fails"}, worst relative error ${worst.toExponential(2)}.`;
    result.append(note);
    result.dataset.worst = String(worst);
    result.dataset.ok = String(ok);
  } else if (m.type === "error") {
    status(m.message, true);
    setPlaying(false);
  }
};
worker.onerror = (e) => status(`the training worker failed: ${e.message}`, true);

/** For the browser test and the measurement script. */
(window as unknown as { playground: unknown }).playground = {
  stats: () => {
    const now = performance.now();
    while (frames.length > 0 && now - (frames[0] as number) > 1000) frames.shift();
    return { fps: frames.length, frames: drawnFrames, drawMs, linkMs, stepsPerSec: last?.stepsPerSec ?? 0, snapshots, epoch: last?.progress.epoch ?? 0, steps: last?.progress.steps ?? 0 };
  },
  state: () => state,
};

let resizeTimer: ReturnType<typeof setTimeout> | undefined;
let lastWidth = window.innerWidth;
window.addEventListener("resize", () => {
  if (window.innerWidth === lastWidth) return;
  lastWidth = window.innerWidth;
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => {
    buildNetwork();
    if (last !== undefined) drawSnapshot(last);
  }, 100);
});

if (initial.problems.length > 0) status(`URL: ${initial.problems.join("; ")}`, true);
sync();
window.history.replaceState(null, "", stateToHash(state));
reset();
