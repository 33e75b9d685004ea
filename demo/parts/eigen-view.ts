// eigen-view.ts — panel 2's stability view: the eigenvalues of the RNN's recurrent matrix
// W_hh = W[:, 0:2] (the user's design, or Euler's for the current k, c, m, dt) drawn against
// the unit circle, and what they say: |λ| > 1 explodes like |λ|^n, < 1 decays. Closed-form
// 2 × 2 eigenvalues (src/analysis/stability.ts), no numerical library on the page.
import { classifyEigenvalues, eigenvalues2x2 } from '../../src/analysis/stability';
import { cssColor, setupCanvas } from './canvas-kit';
import { fmt } from './system-panel';

/** What the view last showed (for the page's test hook). */
export interface EigenReading {
  eigenvalues: [number, number][];
  spectralRadius: number;
  verdict: 'explodes' | 'decays' | 'neither grows nor decays';
}

/** Panel 2's eigenvalue canvas and its readout sentence. */
export class EigenView {
  last: EigenReading | null = null;
  private eig: [number, number][] = [];

  constructor(private readonly canvas: HTMLCanvasElement, private readonly readout: HTMLElement) {
    new ResizeObserver(() => this.draw()).observe(canvas);
  }

  /** Shows the eigenvalues of W_hh (2 × 2) and says whether the RNN explodes or decays. */
  show(wHh: number[][]): EigenReading {
    const eig = eigenvalues2x2(wHh);
    const { spectralRadius: rho, oscillatory } = classifyEigenvalues(eig);
    const verdict = rho > 1 ? 'explodes' : rho < 1 ? 'decays' : 'neither grows nor decays';
    this.eig = eig;
    this.last = { eigenvalues: eig, spectralRadius: rho, verdict };
    const lam = eig.map(([re, im]) => (im === 0 ? fmt(re) : `${fmt(re)} ${im < 0 ? '−' : '+'} ${fmt(Math.abs(im))}i`)).join(', ');
    const n = rho > 0 && rho !== 1 ? Math.log(rho > 1 ? 10 : 0.1) / Math.log(rho) : Infinity;
    const pace = Number.isFinite(n) ? ` (×${rho > 1 ? 10 : 0.1} every ${Math.round(n).toLocaleString('en-US')} steps)` : '';
    this.readout.className = rho > 1 ? 'readout warn' : 'readout';
    this.readout.textContent = `eigenvalues of W's h-part: ${lam}; |λ|max = ${rho.toPrecision(7)}: the design ${verdict}${pace}${oscillatory ? ', oscillating' : ''}.`
      + (rho > 1 ? ' Its state and its gradients through time grow like |λ|ⁿ.' : rho < 1 ? ' Its state and its gradients through time shrink like |λ|ⁿ.' : '');
    this.draw();
    return this.last;
  }

  private draw(): void {
    const s = setupCanvas(this.canvas);
    if (!s) return;
    const { ctx, width, height } = s;
    const R = Math.max(1.25, ...this.eig.map(([a, b]) => 1.1 * Math.hypot(a, b)));
    const scale = (Math.min(width, height) / 2 - 14) / R;
    const cx = width / 2;
    const cy = height / 2;
    ctx.strokeStyle = '#e6e9ef';
    ctx.beginPath();
    ctx.moveTo(8, cy);
    ctx.lineTo(width - 8, cy);
    ctx.moveTo(cx, 8);
    ctx.lineTo(cx, height - 8);
    ctx.stroke();
    ctx.strokeStyle = cssColor('--series-1');
    ctx.setLineDash([5, 4]);
    ctx.beginPath();
    ctx.arc(cx, cy, scale, 0, 2 * Math.PI);
    ctx.stroke();
    ctx.setLineDash([]);
    for (const [re, im] of this.eig) {
      ctx.fillStyle = Math.hypot(re, im) > 1 ? '#c0392b' : cssColor('--series-3');
      ctx.beginPath();
      ctx.arc(cx + re * scale, cy - im * scale, 5, 0, 2 * Math.PI);
      ctx.fill();
    }
    ctx.fillStyle = '#5d6678';
    ctx.font = '11px system-ui, sans-serif';
    ctx.fillText('unit circle |λ| = 1', 10, 16);
    ctx.fillText('Re λ', width - 34, cy - 6);
    ctx.fillText('Im λ', cx + 6, 18);
  }
}
