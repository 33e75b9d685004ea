// canvas-kit.ts — what the demo's canvases share: HiDPI sizing, CSS-variable colours, and
// the line chart's axes, grid, ticks and legend.

import type { ChartOptions, Series } from './chart';

/** Sizes the backing store to the element's CSS size × devicePixelRatio. */
export function setupCanvas(canvas: HTMLCanvasElement): { ctx: CanvasRenderingContext2D; width: number; height: number } | null {
  const rect = canvas.getBoundingClientRect();
  if (rect.width === 0 || rect.height === 0) return null;
  const dpr = Math.min(window.devicePixelRatio || 1, 3);
  const w = Math.round(rect.width * dpr);
  const h = Math.round(rect.height * dpr);
  if (canvas.width !== w || canvas.height !== h) {
    canvas.width = w;
    canvas.height = h;
  }
  const ctx = canvas.getContext('2d');
  if (!ctx) return null;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, rect.width, rect.height);
  return { ctx, width: rect.width, height: rect.height };
}

/** Resolves `--series-1` style names to the document's CSS variable values. */
export function cssColor(color: string): string {
  if (!color.startsWith('--')) return color;
  return getComputedStyle(document.documentElement).getPropertyValue(color).trim() || '#333';
}

export type Plot = { x: number; y: number; w: number; h: number };

export function drawAxes(ctx: CanvasRenderingContext2D, plot: Plot, xr: [number, number], yr: [number, number], opts: ChartOptions): void {
  ctx.font = '11px system-ui, sans-serif';
  ctx.fillStyle = '#5d6678';
  ctx.strokeStyle = '#e6e9ef';
  ctx.lineWidth = 1;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  for (const t of niceTicks(xr[0], xr[1], Math.max(2, Math.floor(plot.w / 80)))) {
    const px = plot.x + ((t - xr[0]) / (xr[1] - xr[0])) * plot.w;
    gridLine(ctx, px, plot.y, px, plot.y + plot.h);
    ctx.fillText(formatTick(t), px, plot.y + plot.h + 4);
  }
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  const yTicks = opts.logY ? logTicks(yr[0], yr[1]) : niceTicks(yr[0], yr[1], Math.max(2, Math.floor(plot.h / 40)));
  for (const t of yTicks) {
    const py = plot.y + plot.h - ((t - yr[0]) / (yr[1] - yr[0])) * plot.h;
    gridLine(ctx, plot.x, py, plot.x + plot.w, py);
    ctx.fillText(opts.logY ? `1e${t}` : formatTick(t), plot.x - 5, py);
  }
  ctx.strokeStyle = '#b9c0cc';
  ctx.strokeRect(plot.x + 0.5, plot.y + 0.5, plot.w, plot.h);
  if (opts.xLabel) {
    ctx.textAlign = 'right';
    ctx.textBaseline = 'bottom';
    ctx.fillText(opts.xLabel, plot.x + plot.w, plot.y + plot.h + 33);
  }
  if (opts.yLabel) {
    ctx.save();
    ctx.translate(12, plot.y + plot.h / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText(opts.yLabel, 0, 0);
    ctx.restore();
  }
}

function gridLine(ctx: CanvasRenderingContext2D, x0: number, y0: number, x1: number, y1: number): void {
  ctx.beginPath();
  ctx.moveTo(Math.round(x0) + 0.5, Math.round(y0) + 0.5);
  ctx.lineTo(Math.round(x1) + 0.5, Math.round(y1) + 0.5);
  ctx.stroke();
}

const LEGEND_LINE = 16;

/** Legend items (title first) placed left to right, wrapping within `width`. */
function legendLayout(ctx: CanvasRenderingContext2D, series: Series[], width: number, title?: string) {
  const items: { text: string; series: Series | null; x: number; line: number }[] = [];
  let x = 0;
  let line = 0;
  const place = (text: string, s: Series | null, w: number) => {
    if (x > 0 && x + w > width) {
      x = 0;
      line++;
    }
    items.push({ text, series: s, x, line });
    x += w + 14;
  };
  ctx.font = '600 12px system-ui, sans-serif';
  if (title) place(title, null, ctx.measureText(title).width);
  ctx.font = '12px system-ui, sans-serif';
  for (const s of series) place(s.label, s, 20 + ctx.measureText(s.label).width);
  return { items, lines: line + 1 };
}

/** Height the legend needs above a plot `width` wide. */
export function legendHeight(ctx: CanvasRenderingContext2D, series: Series[], width: number, title?: string): number {
  return legendLayout(ctx, series, width, title).lines * LEGEND_LINE + 8;
}

export function drawLegend(ctx: CanvasRenderingContext2D, series: Series[], plot: Plot, title?: string): void {
  const { items, lines } = legendLayout(ctx, series, plot.w, title);
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'left';
  for (const it of items) {
    const x = plot.x + it.x;
    const y = plot.y - 4 - (lines - it.line - 0.5) * LEGEND_LINE;
    ctx.fillStyle = '#1d2433';
    if (!it.series) {
      ctx.font = '600 12px system-ui, sans-serif';
      ctx.fillText(it.text, x, y);
      continue;
    }
    ctx.font = '12px system-ui, sans-serif';
    ctx.strokeStyle = cssColor(it.series.color);
    ctx.lineWidth = 2.5;
    ctx.setLineDash(it.series.dash ?? []);
    ctx.beginPath();
    ctx.moveTo(x, y);
    ctx.lineTo(x + 16, y);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillText(it.text, x + 20, y);
  }
}

/** About `count` round tick values covering [lo, hi] (at least 3 when the range allows). */
export function niceTicks(lo: number, hi: number, count: number): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const steps = [0.5, 1, 2, 2.5, 5, 10].map((m) => m * mag);
  let k = steps.findIndex((s) => s >= raw);
  if (k < 0) k = steps.length - 1;
  let ticks = ticksAt(lo, hi, steps[k]!);
  while (ticks.length < 3 && k > 0) ticks = ticksAt(lo, hi, steps[--k]!);
  return ticks;
}

function ticksAt(lo: number, hi: number, step: number): number[] {
  const ticks: number[] = [];
  for (let i = Math.ceil(lo / step); i * step <= hi + step * 1e-9; i++) ticks.push(i === 0 ? 0 : i * step);
  return ticks;
}

function logTicks(lo: number, hi: number): number[] {
  const ticks: number[] = [];
  const every = Math.max(1, Math.ceil((hi - lo) / 6));
  for (let e = Math.ceil(lo); e <= Math.floor(hi); e += every) ticks.push(e);
  return ticks;
}

function formatTick(t: number): string {
  const a = Math.abs(t);
  if (a !== 0 && (a >= 1e5 || a < 1e-3)) return t.toExponential(1).replace('.0e', 'e');
  return String(Number(t.toPrecision(4)));
}
