// chart.ts — a small canvas line chart: shared or per-series x, nice ticks, optional log-y,
// a legend, a vertical cursor, HiDPI and resize aware. No dependency. Long series are
// reduced to a min/max envelope per pixel column, so peaks survive and drawing stays cheap.
// Axes, ticks and legend are in canvas-kit.ts.

import { cssColor, drawAxes, drawLegend, legendHeight, setupCanvas, type Plot } from './canvas-kit';
export { niceTicks } from './canvas-kit';

export interface Series {
  label: string;
  /** CSS colour, or a `--series-n` variable name read from the document. */
  color: string;
  y: ArrayLike<number>;
  /** Per-series x; defaults to the chart's shared x. */
  x?: ArrayLike<number>;
  width?: number;
  dash?: number[];
}

export interface ChartOptions {
  xLabel?: string;
  yLabel?: string;
  title?: string;
  logY?: boolean;
  /** Fixed y range; otherwise fitted to the data (with 6 % padding). */
  yRange?: [number, number];
  /** Shown in the middle of the plot while there is no data. */
  placeholder?: string;
}

const PAD = { left: 58, right: 14, bottom: 34 };

export class LineChart {
  private series: Series[] = [];
  private sharedX: ArrayLike<number> = [];
  private cursorX: number | null = null;
  private frame = 0;

  constructor(private readonly canvas: HTMLCanvasElement, readonly opts: ChartOptions = {}) {
    new ResizeObserver(() => this.requestDraw()).observe(canvas);
  }

  /** Replaces the data; x is shared by series without their own. */
  set(x: ArrayLike<number>, series: Series[]): void {
    this.sharedX = x;
    this.series = series;
    this.requestDraw();
  }

  /** Draws a vertical line at x (null hides it). */
  setCursor(x: number | null): void {
    this.cursorX = x;
    this.requestDraw();
  }

  requestDraw(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  draw(): void {
    const g = setupCanvas(this.canvas);
    if (!g) return;
    const { ctx, width, height } = g;
    const w = width - PAD.left - PAD.right;
    const top = legendHeight(ctx, this.series, w, this.opts.title);
    const plot: Plot = { x: PAD.left, y: top, w, h: height - top - PAD.bottom };
    if (plot.w < 20 || plot.h < 20) return;
    const xr = this.xRange();
    const yr = this.yRange();
    const toPx = (x: number) => plot.x + ((x - xr[0]) / (xr[1] - xr[0] || 1)) * plot.w;
    const toPy = (y: number) => {
      const v = this.opts.logY ? Math.log10(Math.max(y, 1e-30)) : y;
      return plot.y + plot.h - ((v - yr[0]) / (yr[1] - yr[0] || 1)) * plot.h;
    };
    drawAxes(ctx, plot, xr, yr, this.opts);
    ctx.save();
    ctx.beginPath();
    ctx.rect(plot.x, plot.y, plot.w, plot.h);
    ctx.clip();
    for (const s of this.series) drawSeries(ctx, s, s.x ?? this.sharedX, toPx, toPy, plot.w);
    if (this.cursorX !== null) {
      ctx.strokeStyle = 'rgba(29,36,51,0.35)';
      ctx.setLineDash([3, 3]);
      ctx.beginPath();
      ctx.moveTo(toPx(this.cursorX), plot.y);
      ctx.lineTo(toPx(this.cursorX), plot.y + plot.h);
      ctx.stroke();
      ctx.setLineDash([]);
    }
    ctx.restore();
    drawLegend(ctx, this.series, plot, this.opts.title);
    if (this.opts.placeholder && !this.series.some((s) => s.y.length > 0)) {
      ctx.fillStyle = '#8a92a3';
      ctx.font = '13px system-ui, sans-serif';
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      ctx.fillText(this.opts.placeholder, plot.x + plot.w / 2, plot.y + plot.h / 2);
    }
  }

  private xRange(): [number, number] {
    let lo = Infinity;
    let hi = -Infinity;
    for (const s of this.series) {
      const x = s.x ?? this.sharedX;
      if (x.length === 0) continue;
      lo = Math.min(lo, x[0]!);
      hi = Math.max(hi, x[x.length - 1]!);
    }
    return Number.isFinite(lo) && hi > lo ? [lo, hi] : [0, 1];
  }

  /** y range in plotted units (log10 when logY). */
  private yRange(): [number, number] {
    if (this.opts.yRange) return this.opts.logY ? [Math.log10(this.opts.yRange[0]), Math.log10(this.opts.yRange[1])] : this.opts.yRange;
    let lo = Infinity;
    let hi = -Infinity;
    for (const s of this.series) {
      for (let i = 0; i < s.y.length; i++) {
        let v = s.y[i]!;
        if (this.opts.logY) v = v > 0 ? Math.log10(v) : NaN;
        if (!Number.isFinite(v)) continue;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
    if (!Number.isFinite(lo)) return this.opts.logY ? [-3, 0] : [-1, 1];
    if (hi - lo < 1e-12) {
      const d = Math.max(Math.abs(hi) * 0.1, this.opts.logY ? 0.5 : 1e-6);
      return [lo - d, hi + d];
    }
    const pad = (hi - lo) * 0.06;
    return [lo - pad, hi + pad];
  }
}

function drawSeries(
  ctx: CanvasRenderingContext2D, s: Series, x: ArrayLike<number>,
  toPx: (x: number) => number, toPy: (y: number) => number, widthPx: number,
): void {
  const n = Math.min(x.length, s.y.length);
  if (n === 0) return;
  ctx.strokeStyle = cssColor(s.color);
  ctx.lineWidth = s.width ?? 1.6;
  ctx.lineJoin = 'round';
  ctx.setLineDash(s.dash ?? []);
  ctx.beginPath();
  // Envelope: per pixel column keep first, min, max, last, so peaks survive any length.
  const perColumn = n / widthPx;
  let pen = false;
  if (perColumn <= 2) {
    for (let i = 0; i < n; i++) pen = lineTo(ctx, toPx(x[i]!), toPy(s.y[i]!), pen);
  } else {
    let i = 0;
    while (i < n) {
      const col = Math.floor(toPx(x[i]!));
      let lo = Infinity;
      let hi = -Infinity;
      const first = s.y[i]!;
      let last = first;
      for (; i < n && Math.floor(toPx(x[i]!)) === col; i++) {
        last = s.y[i]!;
        if (last < lo) lo = last;
        if (last > hi) hi = last;
      }
      for (const v of [first, lo, hi, last]) pen = lineTo(ctx, col, toPy(v), pen);
    }
  }
  ctx.stroke();
  ctx.setLineDash([]);
}

/** Draws to (px, py), lifting the pen over non-finite points; returns whether the pen is down. */
function lineTo(ctx: CanvasRenderingContext2D, px: number, py: number, pen: boolean): boolean {
  if (!Number.isFinite(py)) return false;
  const y = Math.max(-1e4, Math.min(1e4, py));
  if (pen) ctx.lineTo(px, y);
  else ctx.moveTo(px, y);
  return true;
}
