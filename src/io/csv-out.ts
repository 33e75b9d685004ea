// csv-out.ts — write a recorded trajectory as CSV, one row per oscillator per sample:
//   oscillator,sample,t,x        (data [N, S])
//   oscillator,sample,t,x,v      (data [N, S, 2], interleaved x, v)
// Rows are ordered oscillator-major (all samples of oscillator 0, then 1, ...). Sample s is
// step s * recordEvery, at t = t0 + s * recordEvery * dt. Values print as the shortest
// decimal that reads back to the same number in the array's precision (float32 for a
// Float32Array, float64 otherwise); t prints with at most 15 significant digits, so
// 3 * 0.1 prints as 0.3. Non-finite values print as NaN, Infinity, -Infinity.

/** What the writer needs to know about a recorded trajectory. */
export interface TrajectoryCsvOptions {
  /** [N, S] of x, or [N, S, 2] of (x, v) when velocity is set. */
  data: Float32Array | Float64Array;
  /** N, the number of oscillators. */
  count: number;
  /** S, samples per oscillator. */
  samples: number;
  /** Whether data holds interleaved (x, v). */
  velocity?: boolean;
  dt: number;
  recordEvery: number;
  /** Start time (default 0). */
  t0?: number;
}

/** The header line (without newline). */
export function trajectoryCsvHeader(velocity = false): string {
  return velocity ? 'oscillator,sample,t,x,v' : 'oscillator,sample,t,x';
}

/** Yields the header and then one line per (oscillator, sample), without newlines. */
export function* trajectoryCsvLines(opts: TrajectoryCsvOptions): Generator<string> {
  const { data, count, samples, dt, recordEvery } = opts;
  const velocity = opts.velocity ?? false;
  const t0 = opts.t0 ?? 0;
  const width = velocity ? 2 : 1;
  if (data.length !== count * samples * width) {
    const shape = velocity ? `[${count}, ${samples}, 2]` : `[${count}, ${samples}]`;
    throw new Error(`trajectory CSV: data has length ${data.length}, expected ${shape} = ${count * samples * width}`);
  }
  const format = data instanceof Float32Array ? formatFloat32 : formatFloat64;
  const times = Array.from({ length: samples }, (_, s) => formatTime(t0 + s * recordEvery * dt));
  yield trajectoryCsvHeader(velocity);
  for (let i = 0; i < count; i++) {
    for (let s = 0; s < samples; s++) {
      const at = (i * samples + s) * width;
      const x = format(data[at]!);
      yield velocity ? `${i},${s},${times[s]},${x},${format(data[at + 1]!)}` : `${i},${s},${times[s]},${x}`;
    }
  }
}

/** The whole CSV as one string (header first, '\n' after every line). */
export function trajectoryToCsv(opts: TrajectoryCsvOptions): string {
  const lines: string[] = [];
  for (const line of trajectoryCsvLines(opts)) lines.push(line);
  return lines.join('\n') + '\n';
}

function formatFloat64(value: number): string {
  return String(value);
}

/** Shortest decimal that rounds back to the same float32. */
function formatFloat32(value: number): string {
  if (!Number.isFinite(value) || value === 0) return String(value);
  for (let digits = 1; digits < 9; digits++) {
    const candidate = Number(value.toPrecision(digits));
    if (Math.fround(candidate) === value) return String(candidate);
  }
  return String(Number(value.toPrecision(9))); // 9 digits always round-trip a float32
}

function formatTime(t: number): string {
  return String(Number(t.toPrecision(15)));
}
