// phase-cloud.ts — draws N (x, v) points as a density cloud: each point adds light to its
// pixel in a fading glow buffer (so motion leaves short trails), so a million points cost
// one pass and no path calls. Axes are
// symmetric around the origin and only ever grow (so the cloud visibly spirals inward).

import { setupCanvas } from './canvas-kit';

const TONE_MAX = 2047;
const TONE = Uint8Array.from({ length: TONE_MAX + 1 }, (_, g) => Math.round(235 * (1 - Math.exp(-g / 96))));

export class PhaseCloud {
  private extent = 1.5;
  /** Light per backing-store pixel, [H·W·3]; fades each frame so motion leaves trails. */
  private glow = new Float32Array(0);

  constructor(private readonly canvas: HTMLCanvasElement) {}

  /** Forgets the trails and the zoom. */
  resetScale(): void {
    this.extent = 1.5;
    this.glow.fill(0);
  }

  /** state: [N, 2] interleaved (x, v). hue: per-point value in [0, 1] (e.g. damping). */
  draw(state: Float32Array, hue: Float32Array): void {
    const g = setupCanvas(this.canvas);
    if (!g) return;
    const { ctx, width, height } = g;
    const n = hue.length;
    const grown = Math.max(this.extent, robustExtent(state) * 1.1);
    if (grown !== this.extent) this.glow.fill(0); // a new zoom invalidates the trails
    this.extent = grown;
    const dpr = this.canvas.width / width;
    const W = this.canvas.width;
    const H = this.canvas.height;
    if (this.glow.length !== W * H * 3) this.glow = new Float32Array(W * H * 3);
    const glow = this.glow;
    for (let i = 0; i < glow.length; i++) glow[i]! *= 0.6;
    const scale = ((Math.min(W, H) / 2) * 0.92) / this.extent;
    const cx = W / 2;
    const cy = H / 2;
    // Brighter, bigger points when there are few of them.
    const gain = Math.min(160, Math.max(10, 4e5 / Math.max(n, 1)));
    const size = n <= 20_000 ? 2 : 1;
    for (let i = 0; i < n; i++) {
      const col = Math.round(cx + state[2 * i]! * scale);
      const row = Math.round(cy - state[2 * i + 1]! * scale);
      if (!(col >= 0 && col < W - 1 && row >= 0 && row < H - 1)) continue;
      const h = hue[i]!;
      const r = gain * (0.3 + 0.7 * h);
      const gr = gain * 0.55;
      const b = gain * (1 - 0.75 * h);
      for (let dy = 0; dy < size; dy++) {
        for (let dx = 0; dx < size; dx++) {
          const at = 3 * ((row + dy) * W + col + dx);
          glow[at] += r;
          glow[at + 1] += gr;
          glow[at + 2] += b;
        }
      }
    }
    const image = ctx.createImageData(W, H);
    const px = image.data;
    // Tone map 1 − e^(−e·glow/96), exposure e from the bright end: sparse points show, dense cores shade.
    const e = exposure(glow);
    for (let p = 0, q = 0; p < glow.length; p += 3, q += 4) {
      px[q] = 15 + TONE[Math.min(TONE_MAX, (e * glow[p]!) | 0)]!;
      px[q + 1] = 21 + TONE[Math.min(TONE_MAX, (e * glow[p + 1]!) | 0)]!;
      px[q + 2] = 36 + TONE[Math.min(TONE_MAX, (e * glow[p + 2]!) | 0)]!;
      px[q + 3] = 255;
    }
    ctx.putImageData(image, 0, 0);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    this.drawAxes(ctx, width, height, ((Math.min(width, height) / 2) * 0.92) / this.extent);
  }

  private drawAxes(ctx: CanvasRenderingContext2D, width: number, height: number, scale: number): void {
    const cx = width / 2;
    const cy = height / 2;
    ctx.strokeStyle = 'rgba(255,255,255,0.18)';
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(0, cy + 0.5);
    ctx.lineTo(width, cy + 0.5);
    ctx.moveTo(cx + 0.5, 0);
    ctx.lineTo(cx + 0.5, height);
    ctx.stroke();
    ctx.fillStyle = 'rgba(255,255,255,0.65)';
    ctx.font = '12px system-ui, sans-serif';
    ctx.textAlign = 'right';
    ctx.textBaseline = 'bottom';
    ctx.fillText('x →', width - 8, cy - 4);
    ctx.textAlign = 'left';
    ctx.textBaseline = 'top';
    ctx.fillText('↑ v', cx + 6, 6);
    const tick = niceStep(this.extent);
    ctx.textAlign = 'center';
    ctx.fillText(`${tick}`, cx + tick * scale, cy + 4);
    ctx.fillText(`${-tick}`, cx - tick * scale, cy + 4);
    ctx.beginPath();
    for (const t of [-tick, tick]) {
      ctx.moveTo(cx + t * scale + 0.5, cy - 4);
      ctx.lineTo(cx + t * scale + 0.5, cy + 4);
    }
    ctx.stroke();
  }
}

/** Scales glow so that the 90th percentile of lit pixels lands below saturation (never brightens). */
function exposure(glow: Float32Array): number {
  const lit: number[] = [];
  for (let p = 0; p < glow.length; p += 3 * 7) {
    const g = Math.max(glow[p]!, glow[p + 1]!, glow[p + 2]!);
    if (g > 1) lit.push(g);
  }
  if (lit.length < 10) return 1;
  lit.sort((a, b) => a - b);
  return Math.min(1, 160 / lit[Math.floor(lit.length * 0.9)]!);
}

/** The 99th percentile of max(|x|, |v|) over a sample of points (outliers do not zoom out). */
function robustExtent(state: Float32Array): number {
  const n = state.length / 2;
  const stride = Math.max(1, Math.floor(n / 2000));
  const values: number[] = [];
  for (let i = 0; i < n; i += stride) {
    const m = Math.max(Math.abs(state[2 * i]!), Math.abs(state[2 * i + 1]!));
    if (Number.isFinite(m)) values.push(m);
  }
  if (values.length === 0) return 1;
  values.sort((a, b) => a - b);
  return values[Math.min(values.length - 1, Math.floor(values.length * 0.99))]!;
}

function niceStep(extent: number): number {
  const raw = extent * 0.6;
  const mag = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * mag).filter((s) => s <= raw).pop() ?? mag;
}
