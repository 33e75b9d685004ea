// jaxjs-model.ts — peer: jax-js (JAX in JavaScript: numpy, grad, jit on WebGPU or wasm)
// training a PeerWorkload as a jax-js user would write it: the cells from jax-js primitives in
// PyTorch's gate order (RNN tanh; LSTM i, f, g, o; GRU r, z, n with r on (W_hn h + b_hn)), the
// input projection of every step in one matmul per layer, the recurrence as a JavaScript loop
// (jax-js has no scan), and one `jit` of the whole step: value-and-grad of the MSE, then Adam
// (PyTorch's update; jax-js's optax package is not on npm). Weights start from the same
// PyTorch-style init as springloop's float64 reference, so the first loss is checked against
// src/reference before anything counts, and the loss must fall over the validation steps.
// One timed unit = one step ending with its loss read back (as TF.js's trainOnBatch does).
// Browser-safe: the caller passes the loaded jax-js module (Node: jaxjs.ts; the bench page).
import type * as Jax from '@jax-js/jax';
import { initRecurrentParams } from '../../src/model/init';
import { modelParamShapes as paramShapes } from '../../src/model/params';
import { recurrentForward, type RecurrentConfig } from '../../src/reference/recurrent';
import { mseLoss } from '../../src/reference/losses';
import { Random } from '../../src/util/random';
import { summarize, type BenchRow } from '../stats';
import { describeWorkload, peerBatch, type PeerWorkload } from './peer';

type JaxModule = typeof Jax;
type Arr = Jax.Array;
type Params = Record<string, Arr>;

/** How many steps timeJaxTrainStep runs, validates and times. */
export interface JaxTrainOptions {
  /** Steps run in all (≥ 2): every loss is read back; the loss must fall from the first to the last. Default 50. */
  steps?: number;
  /** Untimed steps after the first (which compiles). Default 3. */
  warmup?: number;
  seed?: number;
}

const ADAM = { beta1: 0.9, beta2: 0.999, eps: 1e-8 };
const CELL_OF = { rnn: 'rnn_tanh', lstm: 'lstm', gru: 'gru' } as const;

/** The float64 reference's description of a workload's model. */
function referenceConfig(w: PeerWorkload): RecurrentConfig {
  return { cell: CELL_OF[w.cell], inputSize: w.inputSize, hiddenSize: w.hidden, numLayers: w.layers, outputSize: 1, headOnLastStepOnly: true };
}

/** One layer's recurrence over gx [T, B, G·H] (input projection + b_ih); returns every h [T, B, H]. */
function layerForward(jax: JaxModule, w: PeerWorkload, gx: Arr, whhT: Arr, bhh: Arr): Arr {
  const { numpy: np, nn } = jax;
  const H = w.hidden;
  let h = np.zeros([w.batch, H]);
  let c = w.cell === 'lstm' ? np.zeros([w.batch, H]) : null;
  const hs: Arr[] = [];
  for (const gxt of np.unstack(gx)) {
    const gh = np.dot(h.ref, whhT.ref).add(bhh.ref); // [B, G·H]
    if (w.cell === 'rnn') {
      h.dispose();
      h = np.tanh(gxt.add(gh));
    } else if (w.cell === 'lstm') {
      const [i, f, g, o] = np.split(gxt.add(gh), 4, 1);
      c = nn.sigmoid(f!).mul(c!).add(nn.sigmoid(i!).mul(np.tanh(g!)));
      h.dispose();
      h = nn.sigmoid(o!).mul(np.tanh(c.ref));
    } else {
      const [xr, xz, xn] = np.split(gxt, 3, 1);
      const [hr, hz, hn] = np.split(gh, 3, 1);
      const r = nn.sigmoid(xr!.add(hr!));
      const z = nn.sigmoid(xz!.add(hz!));
      const n = np.tanh(xn!.add(r.mul(hn!)));
      h = z.ref.mul(-1).add(1).mul(n).add(z.mul(h)); // (1 − z)·n + z·h
    }
    hs.push(h.ref);
  }
  h.dispose();
  c?.dispose();
  whhT.dispose();
  bhh.dispose();
  return np.stack(hs);
}

/** MSE of Linear(h_T of the top layer) against y [B, 1]; x [B, T, I]. Consumes its arguments. */
function lossOf(jax: JaxModule, w: PeerWorkload, p: Params, x: Arr, y: Arr): Arr {
  const np = jax.numpy;
  const { batch: B, steps: T, hidden: H } = w;
  let input = np.transpose(x, [1, 0, 2]).reshape([T * B, w.inputSize]); // time-major rows
  let top: Arr | null = null;
  for (let l = 0; l < w.layers; l++) {
    const gx = np.dot(input, np.transpose(p[`weight_ih_l${l}`]!)).add(p[`bias_ih_l${l}`]!).reshape([T, B, -1]);
    const hs = layerForward(jax, w, gx, np.transpose(p[`weight_hh_l${l}`]!), p[`bias_hh_l${l}`]!);
    if (l === w.layers - 1) top = hs.slice(T - 1);
    else input = hs.reshape([T * B, H]);
  }
  const out = np.dot(top!, np.transpose(p['head.weight']!)).add(p['head.bias']!); // [B, 1]
  return np.square(out.sub(y)).mean();
}

/** Adam (torch.optim.Adam): scale = [lr / (1 − β1^t), 1 / √(1 − β2^t)] for step t. */
function adamUpdate(jax: JaxModule, p: Params, g: Params, m: Params, v: Params, scale: Arr): [Params, Params, Params] {
  const np = jax.numpy;
  const [stepSize, invRootBc2] = np.unstack(scale);
  const next: Params = {};
  const nm: Params = {};
  const nv: Params = {};
  for (const key of Object.keys(p)) {
    const grad = g[key]!;
    nm[key] = m[key]!.mul(ADAM.beta1).add(grad.ref.mul(1 - ADAM.beta1));
    nv[key] = v[key]!.mul(ADAM.beta2).add(np.square(grad).mul(1 - ADAM.beta2));
    const denom = np.sqrt(nv[key]!.ref).mul(invRootBc2!.ref).add(ADAM.eps);
    next[key] = p[key]!.sub(nm[key]!.ref.mul(stepSize!.ref).div(denom));
  }
  stepSize!.dispose();
  invRootBc2!.dispose();
  return [next, nm, nv];
}

/**
 * Trains `steps` steps on one seeded batch, on jax-js's current default device; checks the first
 * loss against the float64 reference and that the loss falls, then returns the row of the steps
 * after the first (compile) and `warmup` ones: `peer/<peer>/<workload name>`.
 */
export async function timeJaxTrainStep(jax: JaxModule, peer: string, w: PeerWorkload, opts: JaxTrainOptions = {}): Promise<BenchRow> {
  const { numpy: np, tree } = jax;
  const steps = Math.max(2, opts.steps ?? 50);
  const warmup = Math.min(opts.warmup ?? 3, steps - 2);
  const init = initRecurrentParams(referenceConfig(w), opts.seed ?? 1234);
  const data = peerBatch(w, new Random((opts.seed ?? 1234) + 1));
  const wantLoss = mseLoss(recurrentForward(referenceConfig(w), toF64(init), { x: Float64Array.from(data.x), batch: w.batch, seqLen: w.steps }).out, Float64Array.from(data.y)).loss;
  const shapes = paramShapes(referenceConfig(w));
  let p: Params = Object.fromEntries(Object.entries(init).map(([k, v]) => [k, np.array(new Float32Array(v)).reshape(shapes[k]!)]));
  let m: Params = tree.map((a: Arr) => np.zerosLike(a.ref), p) as Params;
  let v: Params = tree.map((a: Arr) => np.zerosLike(a.ref), p) as Params;
  const x = np.array(new Float32Array(data.x)).reshape([w.batch, w.steps, w.inputSize]);
  const y = np.array(new Float32Array(data.y)).reshape([w.batch, 1]);
  const step = jax.jit((p0: Params, m0: Params, v0: Params, xs: Arr, ys: Arr, scale: Arr) => {
    const [loss, grads] = jax.valueAndGrad((q: Params, a: Arr, b: Arr) => lossOf(jax, w, q, a, b))(tree.ref(p0), xs, ys);
    return [loss, ...adamUpdate(jax, p0, grads as Params, m0, v0, scale)] as const;
  });
  const losses: number[] = [];
  const times: number[] = [];
  try {
    for (let t = 1; t <= steps; t++) {
      const t0 = performance.now();
      const scale = np.array([w.learningRate / (1 - ADAM.beta1 ** t), 1 / Math.sqrt(1 - ADAM.beta2 ** t)]);
      const [loss, np1, nm, nv] = step(p, m, v, x.ref, y.ref, scale) as unknown as [Arr, Params, Params, Params];
      [p, m, v] = [np1, nm, nv];
      losses.push(((await loss.data()) as Float32Array)[0]!);
      times.push(performance.now() - t0);
      if (!Number.isFinite(losses[t - 1]!)) throw new Error(`${peer} ${w.name}: training loss is ${losses[t - 1]} at step ${t}`);
    }
  } finally {
    step.dispose();
    tree.dispose([p, m, v, x, y]);
  }
  checkLosses(`${peer} ${w.name}`, losses, wantLoss);
  return summarize(`peer/${peer}/${w.name}`, times.slice(1 + warmup), 'steps/s', 1, {
    first_step_ms: Math.round(times[0]!), validated_steps: steps, loss_first: +losses[0]!.toPrecision(5), loss_last: +losses[steps - 1]!.toPrecision(5),
    model: `jax-js jit(valueAndGrad + adam), ${describeWorkload(w)}`,
  });
}

/** The first loss equals the float64 reference's (same weights and batch); the last is lower. */
export function checkLosses(what: string, losses: readonly number[], referenceLoss: number): void {
  const first = losses[0]!;
  if (!(Math.abs(first - referenceLoss) <= 1e-4 * Math.max(1, Math.abs(referenceLoss)))) {
    throw new Error(`${what}: first loss ${first} but the float64 reference gives ${referenceLoss} (cell or gate order wrong?)`);
  }
  const last = losses[losses.length - 1]!;
  if (!(last < first)) throw new Error(`${what}: the loss did not fall over ${losses.length} steps (${first} → ${last})`);
}

function toF64(p: Record<string, Float32Array>): Record<string, Float64Array> {
  return Object.fromEntries(Object.entries(p).map(([k, v]) => [k, Float64Array.from(v)]));
}
