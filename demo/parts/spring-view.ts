// spring-view.ts — draws the mass–spring–damper at one instant: a wall, a zig-zag spring
// and a dashpot to the mass, the driving force u as an arrow, the rest position dashed.

import { cssColor, setupCanvas } from './canvas-kit';

export interface SpringFrame {
  /** Displacement x at this instant. */
  x: number;
  /** Input force u at this instant. */
  u: number;
  /** Largest |x| of the whole trajectory (sets the scale). */
  xMax: number;
  /** Largest |u| of the whole trajectory. */
  uMax: number;
  t: number;
}

const WALL = 26;
const MASS = 46;

export function drawSpring(canvas: HTMLCanvasElement, f: SpringFrame): void {
  const g = setupCanvas(canvas);
  if (!g) return;
  const { ctx, width, height } = g;
  const mid = height / 2 + 6;
  // The rest position sits in the middle of the free track; x = ±xMax reaches its ends.
  const track = width - WALL - MASS - 40;
  const rest = WALL + 20 + track / 2;
  const scale = (track / 2) / Math.max(f.xMax, 1e-9);
  const xPx = Number.isFinite(f.x) ? Math.max(WALL + 6, Math.min(width - MASS - 4, rest + f.x * scale)) : rest;

  ctx.fillStyle = '#6b7385';
  ctx.fillRect(0, mid - 46, WALL, 92);
  ctx.strokeStyle = '#9aa3b5';
  for (let y = mid - 46; y < mid + 46; y += 9) {
    ctx.beginPath();
    ctx.moveTo(WALL, y);
    ctx.lineTo(WALL + 7, y + 7);
    ctx.stroke();
  }
  ctx.strokeStyle = '#c2c8d4';
  ctx.setLineDash([4, 4]);
  ctx.beginPath();
  ctx.moveTo(rest + MASS / 2, mid - 52);
  ctx.lineTo(rest + MASS / 2, mid + 52);
  ctx.stroke();
  ctx.setLineDash([]);

  drawZigzag(ctx, WALL, xPx, mid - 16);
  drawDashpot(ctx, WALL, xPx, rest, mid + 17);

  ctx.fillStyle = cssColor('--series-1');
  roundRect(ctx, xPx, mid - 30, MASS, 60, 6);
  ctx.fill();
  ctx.fillStyle = '#fff';
  ctx.font = '600 16px system-ui, sans-serif';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillText('m', xPx + MASS / 2, mid);

  if (f.uMax > 0 && Math.abs(f.u) > 1e-6 * f.uMax) drawForce(ctx, xPx, mid, f.u / f.uMax);

  ctx.fillStyle = '#5d6678';
  ctx.font = '12px ui-monospace, monospace';
  ctx.textAlign = 'right';
  ctx.textBaseline = 'top';
  ctx.fillText(`t = ${f.t.toFixed(2)}  x = ${fmt(f.x)}`, width - 8, 6);
}

function drawZigzag(ctx: CanvasRenderingContext2D, x0: number, x1: number, y: number): void {
  const coils = 9;
  const lead = 10;
  const span = Math.max(x1 - x0 - 2 * lead, 4);
  ctx.strokeStyle = '#394152';
  ctx.lineWidth = 2;
  ctx.beginPath();
  ctx.moveTo(x0, y);
  ctx.lineTo(x0 + lead, y);
  for (let i = 0; i < coils * 2; i++) {
    const px = x0 + lead + ((i + 0.5) / (coils * 2)) * span;
    ctx.lineTo(px, y + (i % 2 === 0 ? -9 : 9));
  }
  ctx.lineTo(x0 + lead + span, y);
  ctx.lineTo(x1, y);
  ctx.stroke();
}

function drawDashpot(ctx: CanvasRenderingContext2D, x0: number, x1: number, rest: number, y: number): void {
  // The cylinder is fixed to the wall; the piston rides on a rod of fixed length from the mass.
  const gap = rest - x0;
  const cylEnd = x0 + 8 + 0.5 * gap;
  const piston = Math.max(x0 + 12, Math.min(cylEnd - 3, x1 - 0.45 * gap));
  ctx.strokeStyle = '#394152';
  ctx.lineWidth = 2;
  ctx.beginPath();
  ctx.moveTo(x0, y);
  ctx.lineTo(x0 + 8, y);
  ctx.moveTo(cylEnd, y - 8);
  ctx.lineTo(x0 + 8, y - 8);
  ctx.lineTo(x0 + 8, y + 8);
  ctx.lineTo(cylEnd, y + 8);
  ctx.stroke();
  ctx.fillStyle = '#394152';
  ctx.fillRect(piston - 2, y - 6, 4, 12);
  ctx.beginPath();
  ctx.moveTo(piston, y);
  ctx.lineTo(x1, y);
  ctx.stroke();
}

function drawForce(ctx: CanvasRenderingContext2D, xPx: number, mid: number, rel: number): void {
  const len = 14 + 36 * Math.min(Math.abs(rel), 1);
  const start = rel > 0 ? xPx + MASS + 2 : xPx - 2;
  const end = start + Math.sign(rel) * len;
  const y = mid - 40;
  ctx.strokeStyle = cssColor('--series-2');
  ctx.fillStyle = ctx.strokeStyle;
  ctx.lineWidth = 2.5;
  ctx.beginPath();
  ctx.moveTo(start, y);
  ctx.lineTo(end, y);
  ctx.stroke();
  ctx.beginPath();
  ctx.moveTo(end + Math.sign(rel) * 7, y);
  ctx.lineTo(end, y - 5);
  ctx.lineTo(end, y + 5);
  ctx.fill();
  ctx.font = 'italic 12px system-ui, sans-serif';
  ctx.textAlign = 'center';
  ctx.fillText('u', (start + end) / 2, y - 9);
}

function roundRect(ctx: CanvasRenderingContext2D, x: number, y: number, w: number, h: number, r: number): void {
  ctx.beginPath();
  ctx.moveTo(x + r, y);
  ctx.arcTo(x + w, y, x + w, y + h, r);
  ctx.arcTo(x + w, y + h, x, y + h, r);
  ctx.arcTo(x, y + h, x, y, r);
  ctx.arcTo(x, y, x + w, y, r);
  ctx.closePath();
}

function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  return Math.abs(v) >= 1e4 ? v.toExponential(2) : v.toFixed(3);
}
