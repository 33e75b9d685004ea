// scheduler.ts — records many dispatches into one command encoder (one compute pass where
// possible) and submits them together; per-dispatch uniforms are aligned slices of a few
// shared uniform buffers bound with dynamic offsets (uniform-ring.ts); bind groups are cached;
// readback is asynchronous; counters say what happened.
import { PipelineCache, type Kernel, type Overrides } from './kernel';
import { packUniforms, type UniformValues } from './uniforms';
import { ScratchPool } from './pool';
import { BufferUsage, MapMode, STORAGE_RW } from './flags';
import { hostArrayFor, numel, formatShape, type DType, type GpuTensor, type HostArray } from './tensor';
import type { GpuContext } from './device';
import { GpuTimer } from './timestamps';
import { WaitPacer } from './wait-pacer';
import { UniformRing } from './uniform-ring';

/** What a kernel binding can be given: a whole buffer, a tensor (its buffer), or a byte range of a buffer (offset default 0, size default the rest). */
export type Binding = GPUBuffer | GpuTensor | { buffer: GPUBuffer; offset?: number; size?: number };

/** One dispatch for Scheduler.dispatch(). */
export interface DispatchArgs {
  /** Buffers by the WGSL variable names of the entry point's storage bindings; every one must be given, large enough for its type. */
  bindings: Readonly<Record<string, Binding>>;
  /** Values of the entry point's uniform struct by member name (numbers, or arrays for vectors); every member must be given. */
  uniforms?: UniformValues;
  /** Workgroup counts: x, or [x, y, z]. */
  workgroups: number | readonly number[];
  /** Values of WGSL `override` constants (one pipeline is cached per combination). */
  overrides?: Overrides;
}

/** What a Scheduler has done so far (sched.counters): for tests and benchmarks. */
export interface Counters {
  /** Dispatches recorded. */
  dispatches: number;
  /** Command buffers submitted. */
  submits: number;
  /** Buffers created (scratch ones included). */
  buffersCreated: number;
  /** Bytes of the buffers created. */
  bytesCreated: number;
  /** Buffers created and not yet destroyed. */
  liveBuffers: number;
  /** Bytes of the live buffers. */
  liveBytes: number;
  /** read() / readMany() calls that copied data to the host. */
  readbacks: number;
  /** Bytes copied to the host. */
  bytesReadBack: number;
  /** Bind groups created (they are cached per layout and buffers). */
  bindGroupsCreated: number;
}

interface ResolvedBinding {
  buffer: GPUBuffer;
  offset: number;
  size: number;
}

/** Records many dispatches into one command encoder and submits them together (`submit()`, or implicitly on read()): per-dispatch uniforms are packed by member name into shared buffers bound with dynamic offsets, bind groups and pipelines are cached, scratch buffers come from a pool, readback is asynchronous. Every dispatch is checked (each binding present and large enough, every uniform member given) before anything is recorded; a misuse throws and leaves the scheduler usable. One per GpuContext; dispose() it before the context. */
export class Scheduler {
  /** The context's device. */
  readonly device: GPUDevice;
  /** Shader modules, layouts and pipelines compiled on this device. */
  readonly pipelines: PipelineCache;
  /** Scratch buffers, reused once the submit that used them has completed. */
  readonly pool: ScratchPool;
  /** What this scheduler has done so far. */
  readonly counters: Counters = {
    dispatches: 0, submits: 0, buffersCreated: 0, bytesCreated: 0, liveBuffers: 0, liveBytes: 0,
    readbacks: 0, bytesReadBack: 0, bindGroupsCreated: 0,
  };
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private readonly uniforms: UniformRing;
  private readonly bindGroups = new Map<string, GPUBindGroup>();
  private readonly bufferIds = new WeakMap<GPUBuffer, number>();
  private readonly liveSizes = new Map<GPUBuffer, number>();
  private nextBufferId = 1;
  private submitted = 0;
  private completed = 0;
  private readonly pacer: WaitPacer;
  /** Set by a recording GpuTimer: timestamp writes for each compute pass opened. */
  passTimestamps: (() => GPUComputePassTimestampWrites | undefined) | null = null;

  /** @param ctx - The GPU context (device and adapter) this scheduler records on; one scheduler per context. */
  constructor(readonly ctx: GpuContext) {
    this.device = ctx.device;
    this.pacer = new WaitPacer(ctx.runtime === 'node');
    this.pipelines = new PipelineCache(this.device);
    this.pool = new ScratchPool(
      (bytes, usage, label) => this.createBuffer(bytes, usage, label),
      () => ({ recording: this.submitted + 1, completed: this.completed }),
    );
    this.uniforms = new UniformRing(
      (bytes) => this.createBuffer(bytes, BufferUsage.UNIFORM | BufferUsage.COPY_DST, 'uniforms'),
      this.device.limits.minUniformBufferOffsetAlignment,
    );
  }

  /** Allocates a counted GPU buffer (size rounded up to 4 bytes). */
  createBuffer(bytes: number, usage: number = STORAGE_RW, label = 'buffer'): GPUBuffer {
    const max = this.device.limits.maxBufferSize;
    if (!Number.isFinite(bytes) || bytes <= 0) throw new Error(`${label}: buffer size must be positive, got ${bytes}`);
    if (bytes > max) throw new Error(`${label}: ${bytes} bytes exceeds this device's maxBufferSize (${max})`);
    const size = Math.ceil(bytes / 4) * 4;
    const buffer = this.device.createBuffer({ size, usage, label });
    this.bufferIds.set(buffer, this.nextBufferId++);
    this.liveSizes.set(buffer, size);
    this.counters.buffersCreated++;
    this.counters.bytesCreated += size;
    this.counters.liveBuffers++;
    this.counters.liveBytes += size;
    return buffer;
  }

  /** Destroys a buffer this scheduler created and updates the live counters; buffers it did not create are ignored. */
  destroyBuffer(buffer: GPUBuffer): void {
    const size = this.liveSizes.get(buffer);
    if (size === undefined) return;
    this.liveSizes.delete(buffer);
    this.counters.liveBuffers--;
    this.counters.liveBytes -= size;
    buffer.destroy();
  }

  /** A new tensor in its own buffer, optionally initialised from host data. */
  createTensor(shape: readonly number[], dtype: DType = 'f32', label = 'tensor', data?: ArrayLike<number>): GpuTensor {
    const count = numel(shape);
    const limit = this.device.limits.maxStorageBufferBindingSize;
    if (4 * count > limit) {
      throw new Error(`${label}: shape ${formatShape(shape)} needs ${4 * count} bytes, more than this device's maxStorageBufferBindingSize (${limit})`);
    }
    const t: GpuTensor = { buffer: this.createBuffer(4 * count, STORAGE_RW, label), offset: 0, shape: [...shape], dtype, label };
    if (data) this.upload(t, data);
    return t;
  }

  /** Writes host data into a tensor (queued; ordered before the next submit). */
  upload(t: GpuTensor, data: ArrayLike<number>): void {
    const count = numel(t.shape);
    if (data.length !== count) {
      throw new Error(`${t.label}: got ${data.length} values for shape ${formatShape(t.shape)} (${count} expected)`);
    }
    const host = data instanceof Float32Array || data instanceof Uint32Array || data instanceof Int32Array ? data : hostArrayFor(t.dtype, count);
    if (host !== data) host.set(data as ArrayLike<number>);
    this.device.queue.writeBuffer(t.buffer, t.offset, host.buffer, host.byteOffset, 4 * count);
  }

  /** Compiles kernels (and reports WGSL errors) before first use. */
  async prepare(...kernels: Kernel[]): Promise<void> {
    for (const k of kernels) await this.pipelines.prepare(k);
  }

  /** Records one dispatch. Validates every binding before recording anything. */
  dispatch(kernel: Kernel, entryName: string, args: DispatchArgs): void {
    this.ctx.throwIfFailed();
    const compiled = this.pipelines.get(kernel, entryName, args.overrides);
    const where = `kernel ${kernel.name}:${entryName}`;
    const groups = this.workgroupCounts(where, args.workgroups);
    const entries: GPUBindGroupEntry[] = [];
    const dynamicOffsets: number[] = [];
    let key = `${compiled.layoutId}`;
    for (const b of compiled.info.bindings) {
      if (b.kind === 'uniform') {
        const slot = this.uniforms.slot(b.structBytes!);
        packUniforms(kernel.name, b, args.uniforms ?? {}, slot.view, slot.offset);
        entries.push({ binding: b.binding, resource: { buffer: slot.buffer, offset: 0, size: b.structBytes! } });
        dynamicOffsets.push(slot.offset);
        key += `|u${this.bufferIds.get(slot.buffer)}`;
        continue;
      }
      const given = args.bindings[b.name];
      if (!given) {
        throw new Error(`${where} needs binding '${b.name}' (${b.kind}) but it was not given (given: ${Object.keys(args.bindings).join(', ') || 'none'})`);
      }
      const r = this.resolveBinding(where, b.name, given);
      if (r.size < b.minBytes) throw new Error(`${where}: binding '${b.name}' is ${r.size} bytes, smaller than the ${b.minBytes} the shader needs`);
      if (b.stride > 0 && r.size % b.stride !== 0) throw new Error(`${where}: binding '${b.name}' is ${r.size} bytes, not a multiple of its ${b.stride}-byte elements`);
      entries.push({ binding: b.binding, resource: { buffer: r.buffer, offset: r.offset, size: r.size } });
      key += `|${this.bufferIds.get(r.buffer) ?? 'x'}@${r.offset}+${r.size}`;
    }
    const bindGroup = this.bindGroup(key, compiled.layout, entries, where);
    const pass = this.computePass();
    pass.setPipeline(compiled.pipeline);
    pass.setBindGroup(0, bindGroup, dynamicOffsets);
    pass.dispatchWorkgroups(groups[0]!, groups[1]!, groups[2]!);
    this.counters.dispatches++;
  }

  /** Records a buffer-to-buffer copy of `bytes` bytes. */
  copy(src: Binding, dst: Binding, bytes?: number): void {
    const s = this.resolveBinding('copy', 'src', src);
    const d = this.resolveBinding('copy', 'dst', dst);
    const n = bytes ?? Math.min(s.size, d.size);
    if (n > s.size || n > d.size) throw new Error(`copy: ${n} bytes does not fit src (${s.size}) and dst (${d.size})`);
    this.commandEncoder().copyBufferToBuffer(s.buffer, s.offset, d.buffer, d.offset, n);
  }

  /** Records zero-filling of a binding. */
  clear(target: Binding): void {
    const r = this.resolveBinding('clear', 'target', target);
    this.commandEncoder().clearBuffer(r.buffer, r.offset, r.size);
  }

  /** Submits everything recorded so far as one command buffer (no-op when empty). */
  submit(): void {
    this.ctx.throwIfFailed();
    if (!this.encoder) return;
    this.endPass();
    this.uniforms.write(this.device.queue);
    this.device.queue.submit([this.encoder.finish()]);
    this.encoder = null;
    this.submitted++;
    this.counters.submits++;
  }

  /** Drops everything recorded since the last submit (after a failed validation, say). */
  discard(): void {
    this.pass?.end();
    this.pass = null;
    this.encoder = null;
    this.uniforms.reset();
  }

  /** Submits pending work plus a copy of each binding, then maps them: one round trip. */
  async readMany(sources: readonly (Binding & { dtype?: DType })[], dtype: DType = 'f32'): Promise<HostArray[]> {
    const staged = sources.map((src) => {
      const r = this.resolveBinding('read', 'source', src);
      const staging = this.pool.acquire(r.size, BufferUsage.MAP_READ | BufferUsage.COPY_DST);
      this.commandEncoder().copyBufferToBuffer(r.buffer, r.offset, staging, 0, r.size);
      const type = ('dtype' in src && src.dtype) || dtype;
      return { staging, size: r.size, type };
    });
    this.submit();
    const upTo = this.submitted;
    await this.pacer.before(this.counters.dispatches);
    const out = await Promise.all(
      staged.map(async ({ staging, size, type }) => {
        await staging.mapAsync(MapMode.READ, 0, size);
        const copy = staging.getMappedRange(0, size).slice(0);
        staging.unmap();
        return hostArrayFor(type, copy);
      }),
    );
    this.pacer.after();
    this.completed = Math.max(this.completed, upTo);
    for (const s of staged) this.pool.release(s.staging);
    this.counters.readbacks++;
    this.counters.bytesReadBack += staged.reduce((a, s) => a + s.size, 0);
    this.ctx.throwIfFailed();
    return out;
  }

  /** Submits what is recorded, waits, and copies `source` to the host as `dtype` (default: the tensor's dtype, else 'f32'). Throws the device's first error, if any. */
  async read(source: Binding, dtype?: DType): Promise<HostArray> {
    const t = dtype ?? ('dtype' in source ? (source as GpuTensor).dtype : 'f32');
    return (await this.readMany([source], t))[0]!;
  }

  /**
   * Forgets the expected GPU wait (Node sleeps through most of it; see wait-pacer.ts). Call it
   * when the work per wait changes by orders of magnitude, e.g. between benchmarks.
   */
  resetWaitEstimate(): void {
    this.pacer.reset();
  }

  /** Submits pending work and waits for the GPU to finish it; throws GPU errors. */
  async flush(): Promise<void> {
    this.submit();
    const upTo = this.submitted;
    await this.pacer.before(this.counters.dispatches);
    await this.device.queue.onSubmittedWorkDone();
    this.pacer.after();
    this.completed = Math.max(this.completed, upTo);
    this.pool.reclaim();
    this.ctx.throwIfFailed();
  }

  /** GPU time of the compute passes recorded between begin() and end(); null without 'timestamp-query'. */
  gpuTimer(maxPasses?: number): GpuTimer | null {
    return GpuTimer.create(this, maxPasses);
  }

  /** Destroys every buffer this scheduler created. */
  dispose(): void {
    this.discard();
    this.pool.destroy();
    for (const b of [...this.liveSizes.keys()]) this.destroyBuffer(b);
    this.uniforms.clear();
    this.bindGroups.clear();
  }

  private workgroupCounts(where: string, wg: number | readonly number[]): [number, number, number] {
    const g = (typeof wg === 'number' ? [wg, 1, 1] : [wg[0] ?? 1, wg[1] ?? 1, wg[2] ?? 1]) as [number, number, number];
    const max = this.device.limits.maxComputeWorkgroupsPerDimension;
    for (const n of g) {
      if (!Number.isInteger(n) || n < 0 || n > max) {
        throw new Error(`${where}: workgroup count ${formatShape(g)} is invalid (each must be an integer in 0..${max})`);
      }
    }
    return g;
  }

  private resolveBinding(where: string, name: string, b: Binding): ResolvedBinding {
    if (isGpuBuffer(b)) return { buffer: b, offset: 0, size: b.size };
    if ('shape' in b) return { buffer: b.buffer, offset: b.offset, size: 4 * numel(b.shape) };
    const offset = b.offset ?? 0;
    const size = b.size ?? b.buffer.size - offset;
    if (offset % 4 !== 0 || offset + size > b.buffer.size) {
      throw new Error(`${where}: binding '${name}' range ${offset}+${size} does not fit its ${b.buffer.size}-byte buffer`);
    }
    return { buffer: b.buffer, offset, size };
  }

  private bindGroup(key: string, layout: GPUBindGroupLayout, entries: GPUBindGroupEntry[], label: string): GPUBindGroup {
    let bg = this.bindGroups.get(key);
    if (!bg) {
      if (this.bindGroups.size >= 4096) this.bindGroups.clear();
      bg = this.device.createBindGroup({ layout, entries, label });
      this.bindGroups.set(key, bg);
      this.counters.bindGroupsCreated++;
    }
    return bg;
  }

  private commandEncoder(): GPUCommandEncoder {
    this.endPass();
    this.encoder ??= this.device.createCommandEncoder();
    return this.encoder;
  }

  private computePass(): GPUComputePassEncoder {
    if (!this.pass) {
      this.encoder ??= this.device.createCommandEncoder();
      const timestampWrites = this.passTimestamps?.();
      this.pass = this.encoder.beginComputePass(timestampWrites ? { timestampWrites } : undefined);
    }
    return this.pass;
  }

  private endPass(): void {
    this.pass?.end();
    this.pass = null;
  }
}

function isGpuBuffer(b: Binding): b is GPUBuffer {
  return typeof (b as GPUBuffer).mapAsync === 'function';
}
