// dynamics-figure.ts — the SVG figures of the dynamics analysis: analysis.svg (gradient norms
// against t per layer on a log scale; eigenvalues in the complex plane with the unit circle;
// fixed points on the top two principal components of the visited states), and the figures
// of the two gradient experiments (the ρ sweep; RNN vs LSTM vs GRU against T).
import { Plot, extent, text, type Box } from './svg';
import type { AnalysisJson } from '../analysis/report';
import type { AnalysisResult } from '../analysis/analyze';
import type { RhoSweepRow } from '../analysis/rho-sweep';
import type { LongMemoryRow } from '../analysis/long-memory';

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];
const STABILITY_COLORS: Record<string, string> = { stable: '#2ca02c', saddle: '#ff7f0e', unstable: '#d62728' };

function document(width: number, height: number, title: string, subtitle: string, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif">`,
    `<rect width="100%" height="100%" fill="#fafafa"/>`,
    text(20, 26, title, { size: 16, weight: 'bold' }),
    text(20, 44, subtitle, { size: 11, fill: '#444' }),
    ...body,
    '</svg>',
  ].join('\n');
}

const steps = (n: number): number[] => Array.from({ length: n }, (_, t) => t + 1);
const positive = (v: number[]): number[] => v.filter((x) => x > 0 && Number.isFinite(x));
/** For a log axis: values ≤ 0 (a norm that underflowed float32) become gaps, not plunges. */
const forLog = (v: readonly number[]): number[] => v.map((x) => (x > 0 ? x : Number.NaN));

function logRange(curves: number[][]): [number, number] {
  const all = curves.flatMap(positive);
  return all.length ? [Math.min(...all), Math.max(...all)] : [1e-3, 1];
}

function dot(p: Plot, x: number, y: number, color: string, radius = 3): string {
  return `<circle cx="${p.px(x).toFixed(1)}" cy="${p.py(y).toFixed(1)}" r="${radius}" fill="${color}" stroke="#222" stroke-width="0.4"/>`;
}

function normsPanel(box: Box, j: AnalysisJson): string {
  const curves = [...j.gradient_norms, ...(j.cell_gradient_norms ?? [])];
  const T = j.gradient_norms[0]?.length ?? 1;
  const p = new Plot(box, [1, T], logRange(curves), { title: '‖∂L/∂h_t‖ per layer (batch mean)', xLabel: 't', yLabel: 'norm (log)', logY: true });
  const legend: [string, string][] = [];
  j.gradient_norms.forEach((n, l) => { p.line(steps(n.length), forLog(n), COLORS[l % COLORS.length]!, 1.6); legend.push([`h, layer ${l}`, COLORS[l % COLORS.length]!]); });
  j.cell_gradient_norms?.forEach((n, l) => { p.line(steps(n.length), forLog(n), COLORS[l % COLORS.length]!, 1.2, '4,3'); legend.push([`c, layer ${l}`, COLORS[l % COLORS.length]!]); });
  p.legend(legend.slice(0, 6));
  return p.svg();
}

function eigenPanel(box: Box, j: AnalysisJson): string {
  const all = [...j.eigenvalues, ...j.last_step_eigenvalues];
  const R = Math.max(1.15, ...all.map(([re, im]) => 1.1 * Math.hypot(re, im)));
  const p = new Plot(box, [-R, R], [-R, R], { title: 'eigenvalues of J (unit circle)', xLabel: 'Re λ', yLabel: 'Im λ' });
  const circle = Array.from({ length: 181 }, (_, i) => (2 * Math.PI * i) / 180);
  p.line(circle.map(Math.cos), circle.map(Math.sin), '#555', 1, '3,2');
  for (const [re, im] of j.last_step_eigenvalues) p.parts.push(dot(p, re, im, '#bbb', 2.2));
  for (const [re, im] of j.eigenvalues) p.parts.push(dot(p, re, im, '#1f77b4', 3));
  p.legend([['at fixed point 1', '#1f77b4'], ['trajectory, last step', '#bbb']]);
  return p.svg();
}

function fixedPointPanel(box: Box, j: AnalysisJson, r: AnalysisResult): string {
  const project = (s: readonly number[]) => r.pca.axes.map((axis) => axis.reduce((acc, a, d) => acc + a * (s[d]! - r.pca.mean[d]!), 0));
  const path = r.trajectory.map(project);
  const fps = j.fixed_points.map((f) => ({ at: project(f.h), color: STABILITY_COLORS[f.stability] ?? '#000' }));
  const xs = [...path.map((v) => v[0] ?? 0), ...fps.map((f) => f.at[0] ?? 0)];
  const ys = [...path.map((v) => v[1] ?? 0), ...fps.map((f) => f.at[1] ?? 0)];
  const p = new Plot(box, extent(xs), extent(ys), { title: 'fixed points on the top two PCs of visited states', xLabel: 'PC 1', yLabel: 'PC 2' });
  p.line(path.map((v) => v[0] ?? 0), path.map((v) => v[1] ?? 0), '#999', 1);
  for (const f of fps) p.parts.push(dot(p, f.at[0] ?? 0, f.at[1] ?? 0, f.color, 4.5));
  p.legend([['trajectory', '#999'], ['stable', STABILITY_COLORS.stable!], ['saddle', STABILITY_COLORS.saddle!], ['unstable', STABILITY_COLORS.unstable!]]);
  return p.svg();
}

/** analysis.svg. */
export function renderAnalysisFigure(j: AnalysisJson, r: AnalysisResult): string {
  const boxes: Box[] = [{ x: 70, y: 80, w: 360, h: 280 }, { x: 500, y: 80, w: 280, h: 280 }, { x: 850, y: 80, w: 360, h: 280 }];
  const box = (i: number): Box => boxes[i]!;
  const fp = j.fixed_points.length;
  const subtitle = `${j.model.source} · ${j.model.cell}, ${j.model.layers} × ${j.model.hidden} · ${fp} fixed point${fp === 1 ? '' : 's'} for u* = [${j.input.map((v) => v.toPrecision(3)).join(', ')}] · ρ(J) at the last step ${Math.max(...j.last_step_eigenvalues.map(([a, b]) => Math.hypot(a, b))).toFixed(4)} · ${j.adapter}`;
  return document(1240, 410, 'RNN dynamics: gradients through time, Jacobian spectrum, fixed points', subtitle, [normsPanel(box(0), j), eigenPanel(box(1), j), fixedPointPanel(box(2), j, r)]);
}

/** The ρ sweep: ‖∂L/∂h_t‖ against t per ρ, with the fitted rates. */
export function renderRhoSweepFigure(rows: readonly RhoSweepRow[], cell: string, adapter: string): string {
  const T = rows[0]?.norms.length ?? 1;
  const p = new Plot({ x: 80, y: 80, w: 640, h: 360 }, [1, T], logRange(rows.map((r) => r.norms)), { title: `${cell}: ‖∂L/∂h_t‖ with W_hh scaled to spectral radius ρ (loss on step T)`, xLabel: 't', yLabel: 'norm (log)', logY: true });
  rows.forEach((r, i) => p.line(steps(r.norms.length), forLog(r.norms), COLORS[i % COLORS.length]!, 1.6));
  p.legend(rows.map((r, i) => [`ρ ${r.rho} → ${r.rate.toFixed(3)}`, COLORS[i % COLORS.length]!] as [string, string]));
  return document(800, 480, 'Gradient norms through time against the spectral radius of W_hh', `legend: ρ → the per-step factor back in time fitted over the first 3/4 of the steps (gaps: below float32) · ${adapter}`, [p.svg()]);
}

/** RNN vs LSTM vs GRU against T: test error and ‖∂L/∂h₁‖ / ‖∂L/∂h_T‖. */
export function renderLongMemoryFigure(rows: readonly LongMemoryRow[], adapter: string): string {
  const cells = [...new Set(rows.map((r) => r.cell))];
  const Ts = rows.map((r) => r.steps);
  const err = new Plot({ x: 80, y: 80, w: 420, h: 320 }, [Math.min(...Ts), Math.max(...Ts)], [0, Math.max(1.1, ...rows.map((r) => r.testError))], { title: 'test error (MSE / Var x0) against T', xLabel: 'T', yLabel: 'relative MSE' });
  const ratio = new Plot({ x: 580, y: 80, w: 420, h: 320 }, [Math.min(...Ts), Math.max(...Ts)], logRange(rows.map((r) => [r.ratioTrained, r.ratioInit])), { title: '‖∂L/∂h₁‖ / ‖∂L/∂h_T‖ (solid trained, dashed init)', xLabel: 'T', yLabel: 'ratio (log)', logY: true });
  cells.forEach((cell, i) => {
    const mine = rows.filter((r) => r.cell === cell);
    const color = COLORS[i % COLORS.length]!;
    err.line(mine.map((r) => r.steps), mine.map((r) => r.testError), color, 1.8);
    ratio.line(mine.map((r) => r.steps), forLog(mine.map((r) => r.ratioTrained)), color, 1.8);
    ratio.line(mine.map((r) => r.steps), forLog(mine.map((r) => r.ratioInit)), color, 1.2, '4,3');
  });
  err.legend(cells.map((c, i) => [c, COLORS[i % COLORS.length]!] as [string, string]));
  return document(1060, 450, 'Long memory: output an oscillator\'s x0 after reading T forced, damped samples', adapter, [err.svg(), ratio.svg()]);
}
