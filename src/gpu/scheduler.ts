// scheduler.ts — records many dispatches into one command encoder (one compute pass where
// possible) and submits them together; per-dispatch uniforms are aligned slices of a few
// shared uniform buffers bound with dynamic offsets (uniform-ring.ts); bind groups are cached
// by buffer identity (bind-groups.ts); readback is asynchronous; counters say what happened.
// Nothing reaches the GPU unchecked: every binding is a live buffer of this scheduler (or of
// its device), in range, aligned, with the usage its use needs and the shape its kernel
// declares (buffers.ts, declare.ts); what the device still rejects is caught by an error scope
// and thrown by the next wait (error-scopes.ts). A destroyed buffer that recorded work still
// uses is freed after that work's submit.
import { PipelineCache, type Kernel, type Overrides } from './kernel';
import { packUniforms, type UniformValues } from './uniforms';
import { ScratchPool } from './pool';
import { BufferUsage, MapMode, STORAGE_RW } from './flags';
import { Tensor, checkDType, checkShape, formatShape, hostArrayFor, hostData, numel, type DType, type HostArray } from './tensor';
import { gpuWaitPacer, type GpuContext } from './device';
import { gpuTimer, type GpuTimer } from './timestamps';
import type { GpuWaitPacer } from './wait-pacer';
import { UniformRing } from './uniform-ring';
import { BufferRegistry, describeResolved, requireUsage, type Binding, type ResolvedBinding, type StorageLimits } from './buffers';
import { BindGroupCache } from './bind-groups';
import type { ShapeCheck } from './declare';
import { BufferLedger } from './ledger';
import { resolveStorageBindings, workgroupCounts } from './dispatch-checks';
import { ErrorScopes } from './error-scopes';
import { Lifetime } from './lifetime';
import { describeValue, requireInteger, requireObject } from '../util/check';

export type { Binding } from './buffers';

/** One dispatch: its bindings by WGSL name, uniform values, workgroup counts, overrides and declared shapes. */
export interface DispatchArgs {
  /** Buffers by the WGSL variable names of the entry point's storage bindings; every one must be given, large enough for its type. */
  bindings: Readonly<Record<string, Binding>>;
  /** Values of the entry point's uniform struct by member name (numbers, or arrays for vectors); every member must be given. */
  uniforms?: UniformValues;
  /** Workgroup counts: x, or [x, y, z]. */
  workgroups: number | readonly number[];
  /** Values of WGSL `override` constants (one pipeline is cached per combination). */
  overrides?: Overrides;
  /** The kernel wrapper's declared binding shapes and the dims they use (declare.ts). */
  shapes?: ShapeCheck;
}

/** What a scheduler did (cumulative) and holds (live: buffers, bytes, cached bind groups). */
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
  /** Bind groups held by the cache now (bounded; entries go with their buffers). */
  cachedBindGroups: number;
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
    readbacks: 0, bytesReadBack: 0, bindGroupsCreated: 0, cachedBindGroups: 0,
  };
  /** Whether this scheduler and its context are usable (see lifetime.ts); objects built on it depend on it. */
  readonly lifetime: Lifetime;
  #encoder: GPUCommandEncoder | null = null;
  #pass: GPUComputePassEncoder | null = null;
  readonly #uniforms: UniformRing;
  readonly #buffers: BufferRegistry;
  readonly #bindGroups = new BindGroupCache();
  readonly #scopes: ErrorScopes;
  readonly #ledger: BufferLedger;
  #submitted = 0;
  #completed = 0;
  readonly #pacer: GpuWaitPacer;
  /** Read once: device.limits is a getter into the implementation, and dispatch checks it per binding. */
  readonly #storageLimits: StorageLimits;
  /** Set by a recording GpuTimer (Scheduler.gpuTimer()): timestamp writes for each compute pass opened. @internal */
  passTimestamps: (() => GPUComputePassTimestampWrites | undefined) | null = null;

  /** @param ctx - The GPU context (device and adapter) this scheduler records on; one scheduler per context. */
  constructor(readonly ctx: GpuContext) {
    requireObject('new Scheduler(): ctx (from init())', ctx);
    this.device = ctx.device;
    this.lifetime = new Lifetime('Scheduler', 'dispose', [ctx.lifetime ?? new Lifetime('GpuContext', 'dispose')]);
    this.lifetime.check('new');
    this.#buffers = new BufferRegistry(this.device);
    const { minStorageBufferOffsetAlignment, maxStorageBufferBindingSize } = this.device.limits;
    this.#storageLimits = { minStorageBufferOffsetAlignment, maxStorageBufferBindingSize };
    this.#scopes = new ErrorScopes(this.device);
    this.#ledger = new BufferLedger(this.device, this.#buffers, this.#scopes, this.counters, (id) => {
      this.#bindGroups.forgetBuffer(id);
      this.counters.cachedBindGroups = this.#bindGroups.size;
    });
    this.#pacer = gpuWaitPacer(ctx.runtime);
    this.pipelines = new PipelineCache(this.device);
    this.pool = new ScratchPool(
      (bytes, usage, label) => this.createBuffer(bytes, usage, label),
      () => ({ recording: this.#submitted + 1, completed: this.#completed }),
      (buffer) => this.destroyBuffer(buffer),
    );
    this.#uniforms = new UniformRing(
      (bytes) => this.createBuffer(bytes, BufferUsage.UNIFORM | BufferUsage.COPY_DST, 'uniforms'),
      this.device.limits.minUniformBufferOffsetAlignment,
    );
  }

  /** Allocates a counted GPU buffer (size rounded up to 4 bytes). */
  createBuffer(bytes: number, usage: number = STORAGE_RW, label = 'buffer'): GPUBuffer {
    this.lifetime.check('createBuffer');
    const max = this.device.limits.maxBufferSize;
    requireInteger(`createBuffer('${label}'): bytes`, bytes, { min: 1 });
    requireInteger(`createBuffer('${label}'): usage`, usage, { min: 1 });
    if (bytes > max) throw new Error(`${label}: ${bytes} bytes exceeds this device's maxBufferSize (${max})`);
    return this.#ledger.create(Math.ceil(bytes / 4) * 4, usage, label);
  }

  /**
   * Frees a buffer this scheduler created (no-op for others, or when already freed, or after
   * dispose()). Recording with it afterwards throws naming it; work already recorded still runs.
   */
  destroyBuffer(buffer: GPUBuffer): void {
    this.#ledger.destroy(buffer, true);
  }

  /**
   * A new tensor in its own buffer, optionally initialised from host data (exactly one number
   * per element). Throws naming the bad dimension, dtype or value before allocating anything.
   */
  createTensor(shape: readonly number[], dtype: DType = 'f32', label = 'tensor', data?: ArrayLike<number>): Tensor {
    this.lifetime.check('createTensor');
    if (typeof label !== 'string') throw new Error(`createTensor: label must be a string, got ${describeValue(label)}`);
    const where = `createTensor('${label}')`;
    checkShape(where, shape);
    checkDType(where, dtype);
    const count = numel(shape);
    const host = data === undefined ? null : hostData(where, dtype, count, data);
    const limit = this.device.limits.maxStorageBufferBindingSize;
    if (4 * count > limit) {
      throw new Error(`${label}: shape ${formatShape(shape)} needs ${4 * count} bytes, more than this device's maxStorageBufferBindingSize (${limit})`);
    }
    const buffer = this.createBuffer(4 * count, STORAGE_RW, label);
    const life = new Lifetime('Tensor', 'destroy', [this.lifetime]);
    this.#ledger.attach(buffer, life);
    const t = new Tensor(buffer, [...shape], dtype, label, this, life);
    if (host) this.#write(t.buffer, 0, host, 4 * count, `upload('${label}')`);
    return t;
  }

  /** Writes host data into a tensor (queued; ordered before the next submit). */
  upload(t: Binding & { shape: readonly number[]; dtype: DType }, data: ArrayLike<number>): void {
    this.lifetime.check('upload');
    const r = this.#buffers.resolve('Scheduler.upload()', 'target', t);
    requireUsage('Scheduler.upload()', 'target', r, BufferUsage.COPY_DST);
    const where = `upload('${r.tensor?.label ?? r.record.label}')`;
    const host = hostData(where, r.tensor?.dtype ?? 'f32', r.size / 4, data);
    this.#write(r.buffer, r.offset, host, r.size, where);
  }

  /** Compiles kernels (and reports WGSL errors) before first use. */
  async prepare(...kernels: Kernel[]): Promise<void> {
    this.lifetime.check('prepare');
    for (const k of kernels) await this.pipelines.prepare(k);
  }

  /** Records one dispatch. Validates every binding before recording anything. */
  dispatch(kernel: Kernel, entryName: string, args: DispatchArgs): void {
    this.lifetime.check('dispatch');
    if (typeof (kernel as Kernel | undefined)?.entry !== 'function') throw new Error(`Scheduler.dispatch(): kernel must be a Kernel from defineKernel(), got ${describeValue(kernel)}`);
    if (typeof args !== 'object' || args === null) throw new Error(`kernel ${kernel.name}:${entryName}: dispatch args must be an object, got ${describeValue(args)}`);
    const compiled = this.pipelines.get(kernel, entryName, args.overrides);
    const where = `kernel ${kernel.name}:${entryName}`;
    const groups = workgroupCounts(where, args.workgroups, this.device.limits.maxComputeWorkgroupsPerDimension);
    const storage = resolveStorageBindings(this.#buffers, this.#storageLimits, where, compiled.info.bindings, args.bindings, args.shapes);
    const entries: GPUBindGroupEntry[] = [];
    const dynamicOffsets: number[] = [];
    const ids: number[] = [];
    let key = `${compiled.layoutId}`;
    compiled.info.bindings.forEach((b, i) => {
      const r = storage[i];
      if (r) {
        entries.push({ binding: b.binding, resource: { buffer: r.buffer, offset: r.offset, size: r.size } });
        ids.push(r.record.id);
        key += `|${r.record.id}@${r.offset}+${r.size}`;
        return;
      }
      const slot = this.#uniforms.slot(b.structBytes!);
      packUniforms(kernel.name, b, args.uniforms ?? {}, slot.view, slot.offset);
      entries.push({ binding: b.binding, resource: { buffer: slot.buffer, offset: 0, size: b.structBytes! } });
      dynamicOffsets.push(slot.offset);
      const id = this.#buffers.peek(slot.buffer)!.id;
      ids.push(id);
      key += `|u${id}`;
    });
    const bindGroup = this.#bindGroup(key, compiled.layout, entries, ids, where);
    for (const r of storage) if (r) this.#ledger.markRecorded(r.buffer);
    const pass = this.#computePass();
    pass.setPipeline(compiled.pipeline);
    pass.setBindGroup(0, bindGroup, dynamicOffsets);
    pass.dispatchWorkgroups(groups[0]!, groups[1]!, groups[2]!);
    this.counters.dispatches++;
  }

  /** Records a buffer-to-buffer copy of `bytes` bytes (default: the smaller of the two ranges). */
  copy(src: Binding, dst: Binding, bytes?: number): void {
    this.lifetime.check('copy');
    const s = this.#buffers.resolve('Scheduler.copy()', 'src', src);
    const d = this.#buffers.resolve('Scheduler.copy()', 'dst', dst);
    requireUsage('Scheduler.copy()', 'src', s, BufferUsage.COPY_SRC);
    requireUsage('Scheduler.copy()', 'dst', d, BufferUsage.COPY_DST);
    if (s.buffer === d.buffer) throw new Error(`Scheduler.copy(): src and dst are the same buffer (${describeResolved(s)}); WebGPU copies only between two buffers`);
    const n = bytes ?? Math.min(s.size, d.size);
    if (!Number.isSafeInteger(n) || n <= 0 || n % 4 !== 0 || n > s.size || n > d.size) {
      throw new Error(`Scheduler.copy(): ${describeValue(n)} bytes must be a positive multiple of 4 that fits src (${s.size}) and dst (${d.size})`);
    }
    this.#markRecorded(s, d);
    this.#commandEncoder().copyBufferToBuffer(s.buffer, s.offset, d.buffer, d.offset, n);
  }

  /** Records zero-filling of a binding. */
  clear(target: Binding): void {
    this.lifetime.check('clear');
    const r = this.#buffers.resolve('Scheduler.clear()', 'target', target);
    requireUsage('Scheduler.clear()', 'target', r, BufferUsage.COPY_DST);
    this.#markRecorded(r);
    this.#commandEncoder().clearBuffer(r.buffer, r.offset, r.size);
  }

  /**
   * Checks that `t` is a live tensor of this scheduler (a whole tensor or a view), throwing
   * `<where>: <name> …` otherwise; objects call it on their inputs before recording anything.
   */
  requireTensor(where: string, name: string, t: unknown): void {
    this.lifetime.check('requireTensor');
    const r = this.#buffers.resolve(where, name, t);
    if (!r.tensor) throw new Error(`${where}: ${name} must be a GpuTensor (from Scheduler.createTensor, a model output …), got ${describeValue(t)}`);
  }

  /** Submits everything recorded so far as one command buffer (no-op when empty). */
  submit(): void {
    this.lifetime.check('submit');
    if (!this.#encoder) return;
    this.#endPass();
    const encoder = this.#encoder;
    this.#encoder = null;
    this.#scopes.run(`Scheduler.submit() #${this.#submitted + 1}`, () => {
      this.#uniforms.write(this.device.queue);
      this.device.queue.submit([encoder.finish()]);
    });
    this.#submitted++;
    this.counters.submits++;
    this.#ledger.releaseRecorded();
  }

  /** Drops everything recorded since the last submit (after a failed validation, say). */
  discard(): void {
    this.#pass?.end();
    this.#pass = null;
    this.#encoder = null;
    this.#uniforms.reset();
    this.#ledger.releaseRecorded();
  }

  /** Submits pending work plus a copy of each binding, then maps them: one round trip. */
  async readMany(sources: readonly (Binding & { dtype?: DType })[], dtype: DType = 'f32'): Promise<HostArray[]> {
    this.lifetime.check('readMany');
    if (!Array.isArray(sources)) throw new Error(`Scheduler.readMany(): sources must be an array of tensors or buffers, got ${describeValue(sources)}`);
    checkDType('Scheduler.readMany()', dtype);
    const resolved = sources.map((src, i) => {
      const r = this.#buffers.resolve('Scheduler.read()', sources.length === 1 ? 'source' : `sources[${i}]`, src);
      requireUsage('Scheduler.read()', 'source', r, BufferUsage.COPY_SRC);
      return r;
    });
    const staged = resolved.map((r) => {
      const staging = this.pool.acquire(r.size, BufferUsage.MAP_READ | BufferUsage.COPY_DST);
      this.#markRecorded(r);
      this.#commandEncoder().copyBufferToBuffer(r.buffer, r.offset, staging, 0, r.size);
      return { staging, size: r.size, type: r.tensor?.dtype ?? dtype };
    });
    this.submit();
    const upTo = this.#submitted;
    await this.#pacer.before(this.counters.dispatches);
    this.lifetime.check('read'); // disposed (or lost) while the pacer slept: the staging buffers are gone
    const out = await this.#scopes.wait(this.ctx, this.lifetime, 'read', () =>
      Promise.all(
        staged.map(async ({ staging, size, type }) => {
          await this.#scopes.run('Scheduler.read()', () => staging.mapAsync(MapMode.READ, 0, size));
          const copy = staging.getMappedRange(0, size).slice(0);
          staging.unmap();
          return hostArrayFor(type, copy);
        }),
      ),
    );
    this.#pacer.after();
    this.#completed = Math.max(this.#completed, upTo);
    for (const s of staged) this.pool.release(s.staging);
    this.counters.readbacks++;
    this.counters.bytesReadBack += staged.reduce((a, s) => a + s.size, 0);
    return out;
  }

  /** Submits what is recorded, waits, and copies `source` to the host as `dtype` (default: the tensor's dtype, else 'f32'). */
  async read(source: Binding, dtype?: DType): Promise<HostArray> {
    this.lifetime.check('read');
    const t = dtype ?? (typeof source === 'object' && source !== null && 'dtype' in source ? (source as { dtype: DType }).dtype : 'f32');
    return (await this.readMany([source], t))[0]!;
  }

  /**
   * Forgets the expected GPU wait (Node sleeps through most of it; see wait-pacer.ts). Call it
   * when the work per wait changes by orders of magnitude, e.g. between benchmarks.
   */
  resetWaitEstimate(): void {
    this.#pacer.reset();
  }

  /** Submits pending work and waits for the GPU to finish it; throws GPU errors. */
  async flush(): Promise<void> {
    this.lifetime.check('flush');
    this.submit();
    const upTo = this.#submitted;
    await this.#pacer.before(this.counters.dispatches);
    await this.#scopes.wait(this.ctx, this.lifetime, 'flush', () => this.device.queue.onSubmittedWorkDone());
    this.#pacer.after();
    this.#completed = Math.max(this.#completed, upTo);
    this.pool.reclaim();
  }

  /**
   * A timer of the compute passes recorded between its begin() and end() (at most `maxPasses`,
   * default 256, at most 2048), or null when the device lacks 'timestamp-query'. The same as
   * `gpuTimer(sched, maxPasses)` from 'springloop/kernels'.
   */
  gpuTimer(maxPasses?: number): GpuTimer | null {
    this.lifetime.check('gpuTimer');
    return gpuTimer(this, maxPasses);
  }

  /**
   * Records raw encoder commands outside a compute pass (the GPU timer's query resolution).
   * The caller vouches for what it encodes; `buffers` must be live buffers of this scheduler.
   * @internal
   */
  encodeRaw(buffers: readonly GPUBuffer[], fn: (encoder: GPUCommandEncoder) => void): void {
    this.lifetime.check('encodeRaw');
    for (const b of buffers) this.#markRecorded(this.#buffers.resolve('Scheduler.encodeRaw()', 'buffer', b));
    fn(this.#commandEncoder());
  }

  /** Destroys every buffer this scheduler created. Idempotent; later calls throw `Scheduler.<method>() after dispose()`. */
  dispose(): void {
    if (!this.lifetime.end()) return;
    this.discard();
    this.pool.destroy();
    this.#ledger.destroyAll();
    this.#uniforms.clear();
    this.#bindGroups.clear();
    this.counters.cachedBindGroups = 0;
  }

  #bindGroup(key: string, layout: GPUBindGroupLayout, entries: GPUBindGroupEntry[], ids: number[], label: string): GPUBindGroup {
    let bg = this.#bindGroups.get(key);
    if (!bg) {
      bg = this.#scopes.run(`bind group for ${label}`, () => this.device.createBindGroup({ layout, entries, label }));
      this.#bindGroups.set(key, bg, ids);
      this.counters.bindGroupsCreated++;
      this.counters.cachedBindGroups = this.#bindGroups.size;
    }
    return bg;
  }

  #write(buffer: GPUBuffer, offset: number, host: HostArray, bytes: number, where: string): void {
    this.#scopes.run(where, () => this.device.queue.writeBuffer(buffer, offset, host.buffer, host.byteOffset, bytes));
  }

  #markRecorded(...rs: ResolvedBinding[]): void {
    for (const r of rs) this.#ledger.markRecorded(r.buffer);
  }

  #commandEncoder(): GPUCommandEncoder {
    this.#endPass();
    this.#encoder ??= this.device.createCommandEncoder();
    return this.#encoder;
  }

  #computePass(): GPUComputePassEncoder {
    if (!this.#pass) {
      this.#encoder ??= this.device.createCommandEncoder();
      const timestampWrites = this.passTimestamps?.();
      this.#pass = this.#encoder.beginComputePass(timestampWrites ? { timestampWrites } : undefined);
    }
    return this.#pass;
  }

  #endPass(): void {
    this.#pass?.end();
    this.#pass = null;
  }
}

