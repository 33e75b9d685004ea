// vectors.ts — loads and validates PyTorch conformance vector files
// (format: ../shared/conformance/README.md) into typed float64 cases.
// No fs: pass the file's text or its parsed JSON, so it also runs in browsers.
//
// Every tensor in the file is {shape, data} with data row-major; its shape is checked
// against the one the case's config implies, and every error names the case id.

import { modelParamShapes, shapeSize } from '../model/params';
import { CELL_SPECS, cellsWith, type CellType, type TorchCell } from '../model/cells';
import type { Params, RecurrentConfig, RecurrentInputs } from '../reference/recurrent';

/** Cells the PyTorch vectors cover: those with a PyTorch module (CellSpec.torch). */
export type ConformanceCell = CellType;

/** One validated case; tensors are float64, row-major. */
export interface ConformanceCase {
  id: string;
  cell: ConformanceCell;
  seed: number;
  /** Model config (bidirectional from config.bidirectional; the head on every step unless config.head says otherwise). */
  config: RecurrentConfig;
  batch: number;
  seqLen: number;
  /** true when h0 (and c0 for LSTM) are given; otherwise they are zeros. */
  initialState: boolean;
  /** state_dict order. */
  paramOrder: string[];
  params: Params;
  /** x [B, T, I], y [B, T, O] (or [B, O]: config.head), h0 / c0 [D·L, B, H] or null (D = 2 for config.bidirectional). */
  inputs: { x: Float64Array; y: Float64Array; h0: Float64Array | null; c0: Float64Array | null };
  /** out [B, T, O] (or [B, O]), rnnOut [B, T, D·H], hN / cN [D·L, B, H], loss = mse(out, y). */
  outputs: { out: Float64Array; rnnOut: Float64Array; hN: Float64Array; cN: Float64Array | null; loss: number };
  /** d loss / d param, same names and shapes as params. */
  paramGrads: Params;
  /** d loss / d x [B, T, I]; h0 / c0 [D·L, B, H] only when initialState. */
  inputGrads: { x: Float64Array; h0: Float64Array | null; c0: Float64Array | null };
  /** Informative float32-vs-float64 PyTorch deviations, if present. */
  f32Deviation: { outMaxAbs: number; lossRel: number; gradMaxRel: number } | null;
}

export interface ConformanceVectors {
  meta: Record<string, unknown>;
  cases: ConformanceCase[];
}

const TORCH_CELLS = cellsWith('torch');
const torchOf = (cell: ConformanceCell): TorchCell => CELL_SPECS[cell].torch!;

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const fmt = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

/** Reads values of one case and throws errors that name it. */
class CaseReader {
  constructor(readonly label: string) {}

  fail(message: string): never {
    throw new Error(`conformance case ${this.label}: ${message}`);
  }

  get(obj: Json, key: string, path: string): unknown {
    if (!(key in obj)) this.fail(`missing key "${path}"`);
    return obj[key];
  }

  object(obj: Json, key: string, path: string): Json {
    const v = this.get(obj, key, path);
    if (!isObject(v)) this.fail(`"${path}" must be an object, got ${JSON.stringify(v)}`);
    return v;
  }

  positiveInt(obj: Json, key: string, path: string): number {
    const v = this.get(obj, key, path);
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) this.fail(`"${path}" must be an integer >= 1, got ${JSON.stringify(v)}`);
    return v;
  }

  finiteNumber(obj: Json, key: string, path: string): number {
    const v = this.get(obj, key, path);
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(`"${path}" must be a finite number, got ${JSON.stringify(v)}`);
    return v;
  }

  /** A {shape, data} tensor whose shape must equal `expected`. */
  tensor(obj: Json, key: string, path: string, expected: readonly number[]): Float64Array {
    const t = this.object(obj, key, path);
    const shape = this.get(t, 'shape', `${path}.shape`);
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
      this.fail(`"${path}.shape" must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
    }
    if (shape.length !== expected.length) {
      this.fail(`"${path}" has shape ${fmt(shape)} of length ${shape.length}, expected length ${expected.length} ${fmt(expected)}`);
    }
    if (shape.some((d, i) => d !== expected[i])) this.fail(`"${path}" has shape ${fmt(shape)}, expected ${fmt(expected)}`);
    const data = this.get(t, 'data', `${path}.data`);
    if (!Array.isArray(data)) this.fail(`"${path}.data" must be an array`);
    const want = shapeSize(expected);
    if (data.length !== want) this.fail(`"${path}.data" has ${data.length} values, expected ${want} (shape ${fmt(expected)})`);
    const out = new Float64Array(want);
    for (let k = 0; k < want; k++) {
      const v: unknown = data[k];
      if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(`"${path}.data[${k}]" must be a finite number, got ${JSON.stringify(v)}`);
      out[k] = v;
    }
    return out;
  }

  /** Optional tensor: must be present iff `wanted`. */
  optionalTensor(obj: Json, key: string, path: string, expected: readonly number[], wanted: boolean): Float64Array | null {
    if (wanted) return this.tensor(obj, key, path, expected);
    if (key in obj) this.fail(`unexpected key "${path}" (initial_state is false or the cell has no such state)`);
    return null;
  }

  /** name → tensor for exactly the names in `shapes`. */
  namedTensors(obj: Json, key: string, shapes: Record<string, number[]>): Params {
    const group = this.object(obj, key, key);
    for (const name of Object.keys(group)) {
      if (!(name in shapes)) this.fail(`unexpected tensor "${key}.${name}" (not a parameter of this config)`);
    }
    const out: Params = {};
    for (const [name, shape] of Object.entries(shapes)) out[name] = this.tensor(group, name, `${key}.${name}`, shape);
    return out;
  }
}

function readCell(r: CaseReader, raw: Json): ConformanceCell {
  const cell = r.get(raw, 'cell', 'cell');
  if (typeof cell !== 'string' || !(TORCH_CELLS as string[]).includes(cell)) r.fail(`"cell" must be one of ${TORCH_CELLS.join(', ')}, got ${JSON.stringify(cell)}`);
  const c = cell as ConformanceCell;
  const torch = torchOf(c);
  if ('module' in raw && raw.module !== torch.module) r.fail(`"module" ${JSON.stringify(raw.module)} does not match cell ${c} (expected ${torch.module})`);
  if ('nonlinearity' in raw && raw.nonlinearity !== torch.nonlinearity) r.fail(`"nonlinearity" ${JSON.stringify(raw.nonlinearity)} does not match cell ${c}`);
  return c;
}

function readConfig(r: CaseReader, raw: Json, cell: ConformanceCell) {
  const cfg = r.object(raw, 'config', 'config');
  const get = (k: string) => r.positiveInt(cfg, k, `config.${k}`);
  const bidirectional = cfg.bidirectional ?? false;
  if (typeof bidirectional !== 'boolean') r.fail(`"config.bidirectional" must be a boolean, got ${JSON.stringify(bidirectional)}`);
  // config.head: springloop's extension (scripts/torch-vectors.py --head); PyTorch's sets have the head on every step.
  const head = cfg.head ?? 'every-step';
  if (head !== 'every-step' && head !== 'last-step' && head !== 'final-states') r.fail(`"config.head" must be 'every-step', 'last-step' or 'final-states', got ${JSON.stringify(head)}`);
  const config: RecurrentConfig = {
    cell,
    inputSize: get('input_size'),
    hiddenSize: get('hidden_size'),
    numLayers: get('num_layers'),
    outputSize: get('output_size'),
    bidirectional,
    head,
  };
  const initialState = r.get(cfg, 'initial_state', 'config.initial_state');
  if (typeof initialState !== 'boolean') r.fail(`"config.initial_state" must be a boolean, got ${JSON.stringify(initialState)}`);
  if ('batch_first' in cfg && cfg.batch_first !== true) r.fail(`"config.batch_first" must be true, got ${JSON.stringify(cfg.batch_first)}`);
  if ('bias' in cfg && cfg.bias !== true) r.fail(`"config.bias" must be true, got ${JSON.stringify(cfg.bias)}`);
  const gateOrder = torchOf(cell).gateOrder;
  if ('gate_order' in cfg && cfg.gate_order !== gateOrder) {
    r.fail(`"config.gate_order" ${JSON.stringify(cfg.gate_order)} does not match cell ${cell} (expected ${JSON.stringify(gateOrder)})`);
  }
  return { config, batch: get('batch'), seqLen: get('seq_len'), initialState };
}

function readDeviation(raw: Json): ConformanceCase['f32Deviation'] {
  const d = raw.f32_deviation;
  if (!isObject(d)) return null;
  const num = (k: string): number => (typeof d[k] === 'number' ? (d[k] as number) : NaN);
  return { outMaxAbs: num('out_max_abs'), lossRel: num('loss_rel'), gradMaxRel: num('grad_max_rel') };
}

/** Validates and converts one raw case; `index` is its position in the file. */
export function parseConformanceCase(raw: unknown, index: number): ConformanceCase {
  const idGuess = isObject(raw) && typeof raw.id === 'string' ? raw.id : null;
  const r: CaseReader = new CaseReader(idGuess !== null ? `"${idGuess}" (#${index})` : `#${index}`);
  if (!isObject(raw)) r.fail(`must be an object, got ${JSON.stringify(raw)}`);
  if (idGuess === null) r.fail('missing key "id" (or it is not a string)');
  const cell = readCell(r, raw);
  const { config, batch: B, seqLen: T, initialState } = readConfig(r, raw, cell);
  const seedValue = r.get(raw, 'seed', 'seed');
  if (typeof seedValue !== 'number' || !Number.isInteger(seedValue)) r.fail(`"seed" must be an integer, got ${JSON.stringify(seedValue)}`);
  const shapes = modelParamShapes(config);
  const expectedOrder = Object.keys(shapes);
  const order = r.get(raw, 'param_order', 'param_order');
  if (!Array.isArray(order) || order.join(',') !== expectedOrder.join(',')) {
    r.fail(`"param_order" ${JSON.stringify(order)} does not match expected ${JSON.stringify(expectedOrder)}`);
  }
  const { inputSize: I, hiddenSize: H, numLayers: L, outputSize: O } = config;
  const withC = CELL_SPECS[cell].cellState;
  const inputs = r.object(raw, 'inputs', 'inputs');
  const outputs = r.object(raw, 'outputs', 'outputs');
  const inputGrads = r.object(raw, 'input_grads', 'input_grads');
  const D = config.bidirectional ? 2 : 1;
  const state = [D * L, B, H];
  const outShape = config.head === 'every-step' ? [B, T, O] : [B, O];
  return {
    id: idGuess,
    cell,
    seed: seedValue,
    config,
    batch: B,
    seqLen: T,
    initialState,
    paramOrder: expectedOrder,
    params: r.namedTensors(raw, 'params', shapes),
    inputs: {
      x: r.tensor(inputs, 'x', 'inputs.x', [B, T, I]),
      y: r.tensor(inputs, 'y', 'inputs.y', outShape),
      h0: r.optionalTensor(inputs, 'h0', 'inputs.h0', state, initialState),
      c0: r.optionalTensor(inputs, 'c0', 'inputs.c0', state, initialState && withC),
    },
    outputs: {
      out: r.tensor(outputs, 'out', 'outputs.out', outShape),
      rnnOut: r.tensor(outputs, 'rnn_out', 'outputs.rnn_out', [B, T, D * H]),
      hN: r.tensor(outputs, 'h_n', 'outputs.h_n', state),
      cN: r.optionalTensor(outputs, 'c_n', 'outputs.c_n', state, withC),
      loss: r.finiteNumber(outputs, 'loss', 'outputs.loss'),
    },
    paramGrads: r.namedTensors(raw, 'param_grads', shapes),
    inputGrads: {
      x: r.tensor(inputGrads, 'x', 'input_grads.x', [B, T, I]),
      h0: r.optionalTensor(inputGrads, 'h0', 'input_grads.h0', state, initialState),
      c0: r.optionalTensor(inputGrads, 'c0', 'input_grads.c0', state, initialState && withC),
    },
    f32Deviation: readDeviation(raw),
  };
}

/**
 * Parses a whole vectors file (its text, or the already-parsed JSON value).
 * Throws on the first problem, naming the case id and the offending key.
 */
export function parseConformanceVectors(source: string | unknown): ConformanceVectors {
  let root: unknown = source;
  if (typeof source === 'string') {
    try {
      root = JSON.parse(source);
    } catch (e) {
      throw new Error(`conformance vectors: not valid JSON (${(e as Error).message})`);
    }
  }
  if (!isObject(root)) throw new Error('conformance vectors: top level must be an object with "meta" and "cases"');
  if (!Array.isArray(root.cases)) throw new Error('conformance vectors: missing key "cases" (an array of cases)');
  const meta = isObject(root.meta) ? root.meta : {};
  if (typeof meta.num_cases === 'number' && meta.num_cases !== root.cases.length) {
    throw new Error(`conformance vectors: meta.num_cases is ${meta.num_cases} but "cases" holds ${root.cases.length}`);
  }
  const seen = new Set<string>();
  const cases = root.cases.map((raw, index) => {
    const c = parseConformanceCase(raw, index);
    if (seen.has(c.id)) throw new Error(`conformance case "${c.id}" (#${index}): duplicate id`);
    seen.add(c.id);
    return c;
  });
  return { meta, cases };
}

/** The case's inputs in the form recurrentForward takes. */
export function conformanceInputs(c: ConformanceCase): RecurrentInputs {
  return { x: c.inputs.x, batch: c.batch, seqLen: c.seqLen, h0: c.inputs.h0, c0: c.inputs.c0 };
}
