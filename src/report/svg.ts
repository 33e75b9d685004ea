// svg.ts — the few hand-written SVG primitives the report figure needs: a plot frame with
// linear or log₁₀ axes, ticks and labels; polylines (decimated to ≤ 1500 points); bars; text.
// No dependencies; every number is rounded so files stay small and diffable.

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

const r = (v: number): string => (Math.round(v * 10) / 10).toString();

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function text(x: number, y: number, s: string, opts: { size?: number; anchor?: string; weight?: string; family?: string; fill?: string } = {}): string {
  const attrs = [`x="${r(x)}"`, `y="${r(y)}"`, `font-size="${opts.size ?? 11}"`];
  if (opts.anchor) attrs.push(`text-anchor="${opts.anchor}"`);
  if (opts.weight) attrs.push(`font-weight="${opts.weight}"`);
  if (opts.family) attrs.push(`font-family="${opts.family}"`);
  if (opts.fill) attrs.push(`fill="${opts.fill}"`);
  return `<text ${attrs.join(' ')}>${escapeXml(s)}</text>`;
}

/** Short tick label: 3 significant digits, exponent form for very small/large values. */
export function tickLabel(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e4 || a < 1e-2) return v.toExponential(0).replace('e+', 'e');
  return Number(v.toPrecision(3)).toString();
}

/** About n "nice" ticks covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, n = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((k) => k * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  const first = Math.ceil(lo / step);
  for (let k = first; k * step <= hi + 1e-9 * step; k++) out.push(Number((k * step).toPrecision(12)));
  return out;
}

/** Ticks of a log₁₀ axis spanning exponents [e0, e1]: decades, or 1-2-5 steps within a decade or two. */
export function logTicks(e0: number, e1: number): number[] {
  const inRange = (v: number) => Math.log10(v) >= e0 - 1e-9 && Math.log10(v) <= e1 + 1e-9;
  const decades: number[] = [];
  for (let e = Math.ceil(e0 - 1e-9); e <= e1 + 1e-9; e++) decades.push(Number(`1e${e}`));
  if (decades.length >= 3) return decades;
  const out: number[] = [];
  for (let e = Math.floor(e0); e <= Math.ceil(e1); e++) for (const m of [1, 2, 5]) if (inRange(m * 10 ** e)) out.push(Number(`${m}e${e}`));
  return out.length >= 2 ? out : niceTicks(10 ** e0, 10 ** e1, 4).filter((v) => v > 0 && inRange(v));
}

/** A plot frame: maps data to the box, draws axes, ticks, title and axis labels. */
export class Plot {
  readonly parts: string[] = [];
  private readonly x0: number;
  private readonly x1: number;
  private readonly y0: number;
  private readonly y1: number;

  constructor(
    readonly box: Box,
    xRange: [number, number],
    yRange: [number, number],
    readonly opts: { title: string; xLabel?: string; yLabel?: string; logY?: boolean },
  ) {
    const pad = (lo: number, hi: number): [number, number] => (hi > lo ? [lo, hi] : [lo - 1, hi + 1]);
    [this.x0, this.x1] = pad(...xRange);
    const [ylo, yhi] = opts.logY ? [Math.log10(yRange[0]), Math.log10(yRange[1])] : yRange;
    [this.y0, this.y1] = pad(ylo, yhi);
    this.frame();
  }

  px(x: number): number {
    return this.box.x + ((x - this.x0) / (this.x1 - this.x0)) * this.box.w;
  }

  py(y: number): number {
    const v = this.opts.logY ? Math.log10(Math.max(y, 1e-30)) : y;
    return this.box.y + this.box.h - ((v - this.y0) / (this.y1 - this.y0)) * this.box.h;
  }

  private frame(): void {
    const { x, y, w, h } = this.box;
    this.parts.push(`<rect x="${r(x)}" y="${r(y)}" width="${r(w)}" height="${r(h)}" fill="#fff" stroke="#444" stroke-width="0.8"/>`);
    this.parts.push(text(x + w / 2, y - 7, this.opts.title, { size: 12, anchor: 'middle', weight: 'bold' }));
    for (const t of niceTicks(this.x0, this.x1)) {
      const X = this.px(t);
      this.parts.push(`<line x1="${r(X)}" y1="${r(y)}" x2="${r(X)}" y2="${r(y + h)}" stroke="#eee" stroke-width="0.6"/>`);
      this.parts.push(text(X, y + h + 12, tickLabel(t), { size: 9, anchor: 'middle' }));
    }
    const yTicks = this.opts.logY ? logTicks(this.y0, this.y1) : niceTicks(this.y0, this.y1);
    for (const t of yTicks) {
      const Y = this.py(t);
      this.parts.push(`<line x1="${r(x)}" y1="${r(Y)}" x2="${r(x + w)}" y2="${r(Y)}" stroke="#eee" stroke-width="0.6"/>`);
      this.parts.push(text(x - 4, Y + 3, tickLabel(t), { size: 9, anchor: 'end' }));
    }
    if (this.opts.xLabel) this.parts.push(text(x + w / 2, y + h + 26, this.opts.xLabel, { size: 10, anchor: 'middle' }));
    if (this.opts.yLabel) {
      this.parts.push(`<text x="${r(x - 38)}" y="${r(y + h / 2)}" font-size="10" text-anchor="middle" transform="rotate(-90 ${r(x - 38)} ${r(y + h / 2)})">${escapeXml(this.opts.yLabel)}</text>`);
    }
  }

  /** A polyline through (xs[i], ys[i]), decimated to at most 1500 points. */
  line(xs: ArrayLike<number>, ys: ArrayLike<number>, color: string, width = 1.2, dash?: string, opacity = 1): void {
    const n = Math.min(xs.length, ys.length);
    if (n === 0) return;
    const every = Math.max(1, Math.ceil(n / 1500));
    const pts: string[] = [];
    for (let i = 0; i < n; i += every) {
      if (Number.isFinite(ys[i]!)) pts.push(`${r(this.px(xs[i]!))},${r(this.py(ys[i]!))}`);
    }
    const d = (dash ? ` stroke-dasharray="${dash}"` : '') + (opacity < 1 ? ` stroke-opacity="${opacity}"` : '');
    this.parts.push(`<polyline fill="none" stroke="${color}" stroke-width="${width}"${d} points="${pts.join(' ')}"/>`);
  }

  vline(x: number, color: string, dash = '5,3'): void {
    this.parts.push(`<line x1="${r(this.px(x))}" y1="${r(this.box.y)}" x2="${r(this.px(x))}" y2="${r(this.box.y + this.box.h)}" stroke="${color}" stroke-width="1.5" stroke-dasharray="${dash}"/>`);
  }

  /** Bars [edges[i], edges[i+1]) of height counts[i]. */
  bars(edges: readonly number[], counts: readonly number[], color: string): void {
    counts.forEach((c, i) => {
      const x0 = this.px(edges[i]!);
      const x1 = this.px(edges[i + 1]!);
      const y = this.py(c);
      this.parts.push(`<rect x="${r(x0)}" y="${r(y)}" width="${r(Math.max(x1 - x0 - 0.5, 0.5))}" height="${r(this.py(0) - y)}" fill="${color}" fill-opacity="0.75" stroke="#222" stroke-width="0.3"/>`);
    });
  }

  /** A legend in the top-right corner. */
  legend(entries: readonly [string, string][]): void {
    const { x, y, w } = this.box;
    entries.forEach(([label, color], i) => {
      const Y = y + 12 + 12 * i;
      this.parts.push(`<line x1="${r(x + w - 92)}" y1="${r(Y - 3)}" x2="${r(x + w - 76)}" y2="${r(Y - 3)}" stroke="${color}" stroke-width="2"/>`);
      this.parts.push(text(x + w - 72, Y, label, { size: 9 }));
    });
  }

  svg(): string {
    return this.parts.join('\n');
  }
}

/** Range [min, max] of finite values (with a little margin); [0, 1] when none. */
export function extent(...arrays: ArrayLike<number>[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const a of arrays) for (let i = 0; i < a.length; i++) if (Number.isFinite(a[i]!)) { lo = Math.min(lo, a[i]!); hi = Math.max(hi, a[i]!); }
  if (lo === Infinity) return [0, 1];
  const span = hi - lo;
  const m = 0.05 * (span > 1e-9 * Math.max(Math.abs(hi), Math.abs(lo)) ? span : Math.abs(hi) || 1);
  return [lo - m, hi + m];
}

/** Histogram of values into `bins` equal bins over their range. */
export function histogram(values: ArrayLike<number>, bins = 30): { edges: number[]; counts: number[] } {
  const [lo0, hi0] = extent(values);
  const width = (hi0 - lo0) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => lo0 + i * width);
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    counts[Math.min(bins - 1, Math.max(0, Math.floor((v - lo0) / width)))]!++;
  }
  return { edges, counts };
}
