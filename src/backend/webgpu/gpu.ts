/**
 * The WebGPU host: the one module of the WebGPU backend that touches the host's `navigator.gpu`
 * (browsers, Deno) or Node's optional `webgpu` package (Dawn). Nothing here runs at import time:
 * the package is imported dynamically by {@link requestGpuDevice}, so the root entry never loads
 * it unless a user asks for the WebGPU backend.
 *
 * The types below are the small part of the WebGPU API the backend uses, declared here so the
 * library needs no `@webgpu/types` and its declarations compile without the DOM library.
 *
 * @module
 */

/** A GPU buffer (the subset used). @internal */
export interface GpuBuffer {
  readonly size: number;
  destroy(): void;
  mapAsync(mode: number): Promise<void>;
  getMappedRange(): ArrayBuffer;
  unmap(): void;
}

/** A compute pipeline (the subset used). @internal */
export interface GpuPipeline {
  getBindGroupLayout(index: number): unknown;
}

/** A compute pass encoder (the subset used). @internal */
export interface GpuPass {
  setPipeline(p: GpuPipeline): void;
  setBindGroup(index: number, group: unknown): void;
  dispatchWorkgroups(x: number, y?: number, z?: number): void;
  end(): void;
}

/** A command encoder (the subset used). @internal */
export interface GpuEncoder {
  beginComputePass(): GpuPass;
  copyBufferToBuffer(src: GpuBuffer, srcOffset: number, dst: GpuBuffer, dstOffset: number, size: number): void;
  finish(): unknown;
}

/** A device (the subset used). @internal */
export interface GpuDevice {
  readonly limits: {
    readonly maxComputeWorkgroupsPerDimension: number;
    readonly maxStorageBufferBindingSize: number;
    readonly maxBufferSize: number;
    readonly maxStorageBuffersPerShaderStage: number;
  };
  readonly queue: {
    submit(buffers: readonly unknown[]): void;
    writeBuffer(buffer: GpuBuffer, offset: number, data: ArrayBufferView | ArrayBuffer, dataOffset?: number, size?: number): void;
    onSubmittedWorkDone(): Promise<void>;
  };
  readonly lost: Promise<{ readonly message: string; readonly reason?: string }>;
  createBuffer(d: { size: number; usage: number; mappedAtCreation?: boolean }): GpuBuffer;
  createShaderModule(d: { code: string }): unknown;
  createComputePipeline(d: { layout: "auto"; compute: { module: unknown; entryPoint: string } }): GpuPipeline;
  createBindGroup(d: { layout: unknown; entries: readonly { binding: number; resource: { buffer: GpuBuffer } }[] }): unknown;
  createCommandEncoder(): GpuEncoder;
  pushErrorScope(filter: "validation" | "out-of-memory" | "internal"): void;
  popErrorScope(): Promise<{ readonly message: string } | null>;
  destroy(): void;
}

/** What the adapter says about itself. @category model */
export interface GpuAdapterInfo {
  readonly vendor: string;
  readonly architecture: string;
  readonly device: string;
  readonly description: string;
  /** True for a software adapter (SwiftShader): correct but slow. */
  readonly isFallbackAdapter: boolean;
}

interface GpuAdapter {
  readonly info?: { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean };
  readonly isFallbackAdapter?: boolean;
  readonly limits: Record<string, number>;
  requestDevice(d?: { requiredLimits?: Record<string, number> }): Promise<GpuDevice>;
}

interface Gpu {
  requestAdapter(o?: { powerPreference?: "high-performance" | "low-power" }): Promise<GpuAdapter | null>;
}

/** Buffer usage flags (the WebGPU constants, spelled out so no global is needed). @internal */
export const BufferUsage = { MAP_READ: 0x0001, COPY_SRC: 0x0004, COPY_DST: 0x0008, UNIFORM: 0x0040, STORAGE: 0x0080 } as const;
/** `GPUMapMode.READ`. @internal */
export const MAP_READ = 0x0001;

/** The host's `navigator.gpu`, where there is one (browsers, Deno). */
const hostGpu = (): Gpu | undefined => (globalThis as { navigator?: { gpu?: Gpu } }).navigator?.gpu;

/** Node's optional `webgpu` package (Dawn), imported only when asked for. */
const nodeGpu = async (): Promise<{ gpu: Gpu | undefined; why: string }> => {
  const isNode = typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === "string";
  if (!isNode) return { gpu: undefined, why: "this host has no navigator.gpu (WebGPU is off or unsupported in this browser)" };
  // a computed specifier: bundlers and the root entry's import graph never see the optional package
  const spec = ["web", "gpu"].join("");
  try {
    const m = (await import(/* @vite-ignore */ /* webpackIgnore: true */ spec)) as { create: (options: readonly string[]) => Gpu };
    return { gpu: m.create([]), why: "" };
  } catch (e) {
    return { gpu: undefined, why: `Node has no navigator.gpu and the optional package 'webgpu' could not be loaded (npm install webgpu): ${e instanceof Error ? e.message : String(e)}` };
  }
};

/** The device and what it runs on. @internal */
export interface GpuContext {
  readonly device: GpuDevice;
  readonly info: GpuAdapterInfo;
  /**
   * The GPU and adapter objects, held for as long as the device: with Node's `webgpu` package,
   * collecting them while the device lives crashed the process at random (glibc mutex
   * assertions inside the driver) once a program allocated enough to trigger the collector.
   */
  readonly keep: readonly unknown[];
}

/**
 * Request an adapter (high-performance) and a device with the adapter's largest buffer limits.
 * Throws an error saying why when the host has no WebGPU or no adapter.
 * @internal
 */
export const requestGpuDevice = async (): Promise<GpuContext> => {
  let gpu = hostGpu();
  let why = "";
  if (gpu === undefined) ({ gpu, why } = await nodeGpu());
  if (gpu === undefined) throw new Error(`ready("webgpu"): no WebGPU: ${why}; the current backend is unchanged (wasm or reference)`);
  const adapter = await gpu.requestAdapter({ powerPreference: "high-performance" });
  if (adapter === null)
    throw new Error(
      `ready("webgpu"): WebGPU is present but no adapter was found (no GPU driver; in Node on a CPU-only machine point VK_ICD_FILENAMES at a Vulkan software driver such as SwiftShader); the current backend is unchanged (wasm or reference)`,
    );
  const want = ["maxStorageBufferBindingSize", "maxBufferSize", "maxComputeWorkgroupStorageSize", "maxComputeInvocationsPerWorkgroup", "maxComputeWorkgroupSizeX", "maxStorageBuffersPerShaderStage"];
  const requiredLimits: Record<string, number> = {};
  for (const k of want) if (typeof adapter.limits[k] === "number") requiredLimits[k] = adapter.limits[k] as number;
  const device = await adapter.requestDevice({ requiredLimits });
  const i = adapter.info ?? {};
  return {
    device,
    keep: [gpu, adapter],
    info: {
      vendor: i.vendor ?? "",
      architecture: i.architecture ?? "",
      device: i.device ?? "",
      description: i.description ?? "",
      isFallbackAdapter: i.isFallbackAdapter ?? adapter.isFallbackAdapter ?? false,
    },
  };
};
