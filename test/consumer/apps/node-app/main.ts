// A Node app as a user writes it after `npm i springloop webgpu`: strict TypeScript under
// NodeNext / Node16 (no skipLibCheck), the README's calls, one JSON line of results.
import { init, Scheduler, simulate, simulateReference, Forecaster, type GpuContext, type Trajectory, type ForecasterOptions } from 'springloop';
import { defineKernel, type EntryPointInfo } from 'springloop/kernels';

// Public types are real types: each of these is `false` unless the type leaked as `any`.
type IsAny<T> = 0 extends 1 & T ? true : false;
const typesAreReal: [
  IsAny<GpuContext['device']>, IsAny<GPUBuffer>, IsAny<Trajectory>, IsAny<Awaited<ReturnType<Trajectory['read']>>>,
  IsAny<Parameters<typeof simulate>[1]>, IsAny<ForecasterOptions>, IsAny<Forecaster['model']>, IsAny<EntryPointInfo>,
] = [false, false, false, false, false, false, false, false];

let ctx: GpuContext;
try {
  ctx = await init();
} catch (e) {
  console.log(JSON.stringify({ initError: (e as Error).message }));
  process.exit(0);
}
const sched = new Scheduler(ctx);
const params = [{ m: 1, c: 0.2, k: 1, F: 1, omega: 0.5, phi: 0, x0: 1, v0: 0 }];
const setup = { params, dt: 0.01, steps: 400, recordEvery: 10, integrator: 'rk4' } as const;
const run = await simulate(sched, setup);
const x: Float32Array = await run.read();
const reference = simulateReference(setup);
const simulateMaxError = Math.max(...Array.from(x, (v, i) => Math.abs(v - reference[i]!)));

const series = Array.from({ length: 300 }, (_, i) => Math.sin(i / 8));
const model = await Forecaster.create(sched, series, { cell: 'gru', hidden: 8, layers: 1, seq: 12, seed: 3 });
const losses: number[] = [];
await model.fit(3, (r) => losses.push(r.trainLoss));
const next = await model.forecast(series.slice(-12), 4);

const mine = defineKernel('double.wgsl', `
@group(0) @binding(0) var<storage, read_write> v: array<f32>;
@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) g: vec3u) { if (g.x < arrayLength(&v)) { v[g.x] = 2.0 * v[g.x]; } }`);
await sched.prepare(mine);
const v = sched.createTensor([5], 'f32', 'v', [1, 2, 3, 4, 5]);
sched.dispatch(mine, 'main', { bindings: { v }, workgroups: 1 });
const doubled = Array.from(await sched.read(v));

console.log(JSON.stringify({ adapter: ctx.adapterName, typesAreReal, samples: run.samples, simulateMaxError, losses, forecast: next.length, doubled }));
model.destroy();
run.destroy();
sched.dispose();
ctx.dispose();
