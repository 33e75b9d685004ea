// timestamps.ts — GPU-measured time of the compute passes a Scheduler records, through
// WebGPU timestamp queries ('timestamp-query', requested by init() when the adapter has it);
// in the 'springloop/kernels' entry, beside defineKernel (a benchmark's tool: apps that do not
// time their passes do not carry it). Between begin() and end(), every compute pass the
// scheduler opens writes a timestamp at its beginning and end (query pairs 2i, 2i+1 of one
// query set); read() sums end - begin over the passes, in nanoseconds. Copies and clears
// outside passes are not counted. Browsers may quantize timestamps (Chrome: to 100 µs unless
// its unsafe-APIs flag is on).
import { BufferUsage, MapMode } from './flags';
import type { Scheduler } from './scheduler';
import { Lifetime } from './lifetime';
import { requireInteger, requireObject } from '../util/check';

/** WebGPU's limit on queries per query set. */
const MAX_QUERIES = 4096;

/** GPU time of the compute passes a GpuTimer recorded. */
export interface GpuTime {
  /** Sum over the timed passes of end - begin, in nanoseconds. */
  ns: number;
  /** Compute passes timed. */
  passes: number;
  /** Passes opened after the query set was full (not timed). */
  untimed: number;
}

/** Times compute passes with timestamp queries (when the device has 'timestamp-query'): begin() before recording, end() after, read() for the total. */
export class GpuTimer {
  /** Alive until destroy() (and while its scheduler is). */
  readonly lifetime: Lifetime;
  readonly #querySet: GPUQuerySet;
  readonly #resolveBuffer: GPUBuffer;
  readonly #readBuffer: GPUBuffer;
  #passes = 0;
  #untimed = 0;
  #state: 'idle' | 'recording' | 'ended' = 'idle';

  readonly #sched: Scheduler;
  readonly #maxPasses: number;

  /** Use gpuTimer(sched, maxPasses), which checks both. @internal */
  constructor(sched: Scheduler, maxPasses: number) {
    this.#sched = sched;
    this.#maxPasses = maxPasses;
    this.lifetime = new Lifetime('GpuTimer', 'destroy', [sched.lifetime]);
    const count = 2 * maxPasses;
    this.#querySet = sched.device.createQuerySet({ type: 'timestamp', count, label: 'gpu timer' });
    this.#resolveBuffer = sched.createBuffer(8 * count, BufferUsage.QUERY_RESOLVE | BufferUsage.COPY_SRC, 'gpu timer resolve');
    this.#readBuffer = sched.createBuffer(8 * count, BufferUsage.MAP_READ | BufferUsage.COPY_DST, 'gpu timer read');
  }

  /** Submits what is pending, then times every compute pass recorded until end(). */
  begin(): void {
    this.lifetime.check('begin');
    if (this.#state === 'recording') throw new Error('gpuTimer.begin(): already recording (call end() first)');
    if (this.#sched.passTimestamps) throw new Error('gpuTimer.begin(): another timer is recording on this scheduler');
    this.#sched.submit();
    this.#passes = 0;
    this.#untimed = 0;
    this.#state = 'recording';
    this.#sched.passTimestamps = () => this.#nextWrites();
  }

  /** Submits the timed work and the query resolution (no wait). */
  end(): void {
    this.lifetime.check('end');
    if (this.#state !== 'recording') throw new Error(`gpuTimer.end(): not recording (state '${this.#state}')`);
    this.#sched.submit();
    this.#sched.passTimestamps = null;
    this.#state = 'ended';
    if (this.#passes === 0) return;
    this.#sched.encodeRaw([this.#resolveBuffer, this.#readBuffer], (encoder) => {
      encoder.resolveQuerySet(this.#querySet, 0, 2 * this.#passes, this.#resolveBuffer, 0);
      encoder.copyBufferToBuffer(this.#resolveBuffer, 0, this.#readBuffer, 0, 16 * this.#passes);
    });
    this.#sched.submit();
  }

  /** Waits for the GPU and returns the timed passes' total duration. */
  async read(): Promise<GpuTime> {
    this.lifetime.check('read');
    if (this.#state !== 'ended') throw new Error(`gpuTimer.read(): call begin() and end() first (state '${this.#state}')`);
    this.#state = 'idle';
    if (this.#passes === 0) return { ns: 0, passes: 0, untimed: this.#untimed };
    const bytes = 16 * this.#passes;
    // The scheduler's paced wait first: in Node a bare mapAsync spins the JS thread for the
    // whole run, which on a software adapter takes a core from the kernels being timed.
    await this.#sched.flush();
    await this.#readBuffer.mapAsync(MapMode.READ, 0, bytes).catch((e: unknown) => {
      this.lifetime.check('read'); // the device was lost, or the timer destroyed meanwhile
      throw e;
    });
    const stamps = new BigUint64Array(this.#readBuffer.getMappedRange(0, bytes).slice(0));
    this.#readBuffer.unmap();
    let ns = 0;
    for (let i = 0; i < this.#passes; i++) {
      const d = stamps[2 * i + 1]! - stamps[2 * i]!;
      if (d > 0n) ns += Number(d);
    }
    return { ns, passes: this.#passes, untimed: this.#untimed };
  }

  /** Frees the query set and its buffers. Idempotent; a timer still recording stops (its work is submitted). */
  destroy(): void {
    if (!this.lifetime.end()) return;
    if (this.#state === 'recording') {
      this.#sched.passTimestamps = null;
      // Recorded passes write into the query set: submit them before it goes.
      if (this.#sched.lifetime.alive) this.#sched.submit();
    }
    this.#querySet.destroy();
    this.#sched.destroyBuffer(this.#resolveBuffer);
    this.#sched.destroyBuffer(this.#readBuffer);
  }

  #nextWrites(): GPUComputePassTimestampWrites | undefined {
    if (this.#passes >= this.#maxPasses) {
      this.#untimed++;
      return undefined;
    }
    const i = this.#passes++;
    return { querySet: this.#querySet, beginningOfPassWriteIndex: 2 * i, endOfPassWriteIndex: 2 * i + 1 };
  }
}

/**
 * A timer of the compute passes `sched` records, timing at most `maxPasses` passes between its
 * begin() and end() (default 256; at most 2048, WebGPU's 4096 queries per set), or null when
 * the device lacks 'timestamp-query'. Throws naming the parameter for a `maxPasses` out of
 * range, and `gpuTimer() after dispose() of its Scheduler` once `sched` is gone.
 */
export function gpuTimer(sched: Scheduler, maxPasses = 256): GpuTimer | null {
  requireObject('gpuTimer(): sched (a Scheduler)', sched);
  Lifetime.require('gpuTimer()', [sched.lifetime]);
  requireInteger('gpuTimer(): maxPasses', maxPasses, { min: 1, max: MAX_QUERIES / 2 });
  return sched.device.features.has('timestamp-query') ? new GpuTimer(sched, maxPasses) : null;
}

/**
 * Median GPU time (ms) of `runs` executions of `record` (which only records work), or null
 * when the device has no timestamp queries or a run opened more passes than can be timed.
 */
export async function medianGpuMs(sched: Scheduler, record: () => void, runs = 3): Promise<number | null> {
  const timer = gpuTimer(sched, MAX_QUERIES / 2);
  if (!timer) return null;
  try {
    const ms: number[] = [];
    for (let r = 0; r < runs; r++) {
      timer.begin();
      record();
      timer.end();
      const t = await timer.read();
      if (t.untimed > 0 || t.passes === 0) return null;
      ms.push(t.ns / 1e6);
    }
    ms.sort((a, b) => a - b);
    return ms[Math.floor(ms.length / 2)]!;
  } finally {
    timer.destroy();
  }
}
