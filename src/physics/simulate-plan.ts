// simulate-plan.ts — how one oscillator run is cut into GPU work, decided before any GPU
// work so that a run the device cannot hold fails with a clear error:
//   groups: ranges of oscillators whose params [n, 8], state [n, 2] and output [n, S(, 2)]
//           each fit one storage binding (maxStorageBufferBindingSize), at aligned offsets;
//   chunks: ranges of steps whose work (oscillators × steps) stays under a per-dispatch
//           budget, so that no dispatch runs long enough to trip a browser's GPU watchdog.
// Every dispatch is one (chunk, group) pair. Pure arithmetic: no GPU imports.

/** The device limits a plan depends on (a GPUSupportedLimits satisfies this). */
export interface PlanLimits {
  readonly maxStorageBufferBindingSize: number;
  readonly maxBufferSize: number;
  readonly minStorageBufferOffsetAlignment: number;
}

export interface PlanInput {
  /** N oscillators. */
  count: number;
  /** S samples per oscillator (including the initial state). */
  samples: number;
  recordEvery: number;
  /** Record (x, v) instead of x. */
  velocity: boolean;
  /** Bytes per oscillator of the kernel's parameter rows and carried state (rk4Layout()). */
  paramBytes: number;
  stateBytes: number;
}

export interface PlanOptions {
  /** Oscillator-steps per dispatch at most (default DEFAULT_MAX_OSCILLATOR_STEPS_PER_DISPATCH). */
  maxOscillatorStepsPerDispatch?: number;
  /** Steps per chunk, instead of the budget. */
  stepsPerDispatch?: number;
  /** Largest binding in bytes (default, and at most, the device's maxStorageBufferBindingSize). */
  maxBindingBytes?: number;
}

/** Oscillators [first, first + count). */
export interface OscillatorGroup {
  first: number;
  count: number;
}

/** Steps [begin, end) (global step indices; step n advances the state from t_n to t_{n+1}). */
export interface StepChunk {
  begin: number;
  end: number;
}

export interface SimulationPlan {
  groups: OscillatorGroup[];
  chunks: StepChunk[];
  /** Steps integrated: (S - 1) · recordEvery (later steps could not change the output). */
  totalSteps: number;
  /** Output bytes per oscillator: 4 · S (· 2 with velocity). */
  outputBytesPerOscillator: number;
  /** Output bytes in all: N · outputBytesPerOscillator. */
  outputBytes: number;
}

/** ≈ 0.1 s on a fast GPU, a few tenths of a second on lavapipe: well inside any watchdog. */
export const DEFAULT_MAX_OSCILLATOR_STEPS_PER_DISPATCH = 1e8;

const U32_MAX = 0xffffffff;

/** Plans a run; throws an Error naming the parameter when the device cannot hold it. */
export function planSimulation(input: PlanInput, limits: PlanLimits, opts: PlanOptions = {}): SimulationPlan {
  const { count, samples, recordEvery, velocity, paramBytes } = input;
  const totalSteps = (samples - 1) * recordEvery;
  if (totalSteps > U32_MAX) {
    throw new Error(`simulation: steps=${totalSteps} exceeds the GPU kernel's step counter (at most ${U32_MAX} steps)`);
  }
  const outputBytesPerOscillator = 4 * samples * (velocity ? 2 : 1);
  const outputBytes = count * outputBytesPerOscillator;
  const shape = `[${count}, ${samples}${velocity ? ', 2' : ''}]`;
  if (outputBytes > limits.maxBufferSize) {
    throw new Error(
      `simulation: the output ${shape} float32 needs ${outputBytes} bytes, more than this device's maxBufferSize (${limits.maxBufferSize}); ` +
        'use fewer oscillators (count), fewer steps or a larger recordEvery',
    );
  }
  if (count * paramBytes > limits.maxBufferSize) {
    throw new Error(`simulation: count=${count} oscillators need ${count * paramBytes} bytes of parameters, more than this device's maxBufferSize (${limits.maxBufferSize})`);
  }
  const groups = planGroups(input, outputBytesPerOscillator, limits, opts.maxBindingBytes);
  const largest = Math.max(...groups.map((g) => g.count));
  const budget = opts.maxOscillatorStepsPerDispatch ?? DEFAULT_MAX_OSCILLATOR_STEPS_PER_DISPATCH;
  const perChunk = opts.stepsPerDispatch ?? Math.max(1, Math.floor(budget / largest));
  if (!Number.isSafeInteger(perChunk) || perChunk < 1) {
    throw new Error(`simulation: stepsPerDispatch must be an integer >= 1, got ${perChunk}`);
  }
  const chunks: StepChunk[] = [];
  for (let begin = 0; begin < totalSteps; begin += perChunk) chunks.push({ begin, end: Math.min(totalSteps, begin + perChunk) });
  if (chunks.length === 0) chunks.push({ begin: 0, end: 0 }); // S = 1: only the initial state
  return { groups, chunks, totalSteps, outputBytesPerOscillator, outputBytes };
}

function planGroups(input: PlanInput, outPerOscillator: number, limits: PlanLimits, maxBindingBytes?: number): OscillatorGroup[] {
  const { count, paramBytes, stateBytes } = input;
  const bindingLimit = Math.min(limits.maxStorageBufferBindingSize, maxBindingBytes ?? Infinity);
  const perOscillator = Math.max(outPerOscillator, paramBytes);
  const fit = Math.floor(bindingLimit / perOscillator); // oscillators one binding holds
  if (count <= fit) return [{ first: 0, count }];
  // Groups after the first start at byte offsets that must be aligned in every buffer.
  const align = limits.minStorageBufferOffsetAlignment;
  const unit = [outPerOscillator, paramBytes, stateBytes]
    .map((bytes) => align / gcd(align, bytes))
    .reduce(lcm, 1);
  const size = Math.floor(fit / unit) * unit;
  if (size < 1) {
    throw new Error(
      `simulation: one oscillator records ${input.samples} samples${input.velocity ? ' of (x, v)' : ''} (${outPerOscillator} bytes), ` +
        `and ${unit} of them exceed this device's largest storage binding (${bindingLimit} bytes); ` +
        `use fewer steps or a larger recordEvery (now ${input.recordEvery})`,
    );
  }
  const groups: OscillatorGroup[] = [];
  for (let first = 0; first < count; first += size) groups.push({ first, count: Math.min(size, count - first) });
  return groups;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

function lcm(a: number, b: number): number {
  return (a / gcd(a, b)) * b;
}
