// eigen.ts — eigenvalues of a small real matrix in float64: reduction to upper Hessenberg form
// by Gaussian elimination with pivoting, then Francis double-shift QR with deflation (the
// classic EISPACK elmhes + hqr formulation, 1-based internally). O(n³); used for the Ritz
// values of the reservoir's Arnoldi matrix (src/esn/spectral.ts) and, on whole matrices, as the
// tests' reference spectral radius. Imports nothing.

/** Eigenvalues (re, im) of a real matrix [n, n]: reduction to Hessenberg form, then shifted QR. */
export function eigenvalues(matrix: ArrayLike<number>, n: number): { re: Float64Array; im: Float64Array } {
  // 1-based working copy, as the classic EISPACK / Numerical Recipes formulation (elmhes + hqr).
  const a: number[][] = Array.from({ length: n + 1 }, (_, i) => Array.from({ length: n + 1 }, (_, j) => (i > 0 && j > 0 ? matrix[(i - 1) * n + j - 1]! : 0)));
  toHessenberg(a, n);
  return hessenbergEigenvalues(a, n);
}

/** The largest |λ| of a real matrix [n, n]. */
export function spectralRadius(matrix: ArrayLike<number>, n: number): number {
  const { re, im } = eigenvalues(matrix, n);
  let rho = 0;
  for (let i = 0; i < n; i++) rho = Math.max(rho, Math.hypot(re[i]!, im[i]!));
  return rho;
}

// Gaussian elimination with pivoting to upper Hessenberg form (a similarity transform), 1-based.
function toHessenberg(a: number[][], n: number): void {
  for (let m = 2; m < n; m++) {
    let x = 0;
    let piv = m;
    for (let j = m; j <= n; j++) {
      if (Math.abs(a[j]![m - 1]!) > Math.abs(x)) {
        x = a[j]![m - 1]!;
        piv = j;
      }
    }
    if (piv !== m) {
      for (let j = m - 1; j <= n; j++) [a[piv]![j], a[m]![j]] = [a[m]![j]!, a[piv]![j]!];
      for (let j = 1; j <= n; j++) [a[j]![piv], a[j]![m]] = [a[j]![m]!, a[j]![piv]!];
    }
    if (x === 0) continue;
    for (let i = m + 1; i <= n; i++) {
      let y = a[i]![m - 1]!;
      if (y === 0) continue;
      y /= x;
      a[i]![m - 1] = y;
      for (let j = m; j <= n; j++) a[i]![j]! -= y * a[m]![j]!;
      for (let j = 1; j <= n; j++) a[j]![m]! += y * a[j]![i]!;
    }
  }
  for (let i = 3; i <= n; i++) for (let j = 1; j < i - 1; j++) a[i]![j] = 0;
}

// Francis double-shift QR on an upper Hessenberg matrix (1-based), deflating from the bottom.
function hessenbergEigenvalues(a: number[][], n: number): { re: Float64Array; im: Float64Array } {
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  let anorm = 0;
  for (let i = 1; i <= n; i++) for (let j = Math.max(i - 1, 1); j <= n; j++) anorm += Math.abs(a[i]![j]!);
  let nn = n;
  let t = 0;
  while (nn >= 1) {
    let its = 0;
    let l: number;
    do {
      for (l = nn; l >= 2; l--) {
        let s = Math.abs(a[l - 1]![l - 1]!) + Math.abs(a[l]![l]!);
        if (s === 0) s = anorm;
        if (Math.abs(a[l]![l - 1]!) + s === s) {
          a[l]![l - 1] = 0;
          break;
        }
      }
      const x = a[nn]![nn]!;
      if (l === nn) {
        re[nn - 1] = x + t;
        nn--;
      } else {
        const y = a[nn - 1]![nn - 1]!;
        const w = a[nn]![nn - 1]! * a[nn - 1]![nn]!;
        if (l === nn - 1) {
          const p = 0.5 * (y - x);
          const q = p * p + w;
          const z = Math.sqrt(Math.abs(q));
          if (q >= 0) {
            const zz = p + (p >= 0 ? z : -z);
            re[nn - 2] = re[nn - 1] = x + t + zz;
            if (zz !== 0) re[nn - 1] = x + t - w / zz;
          } else {
            re[nn - 2] = re[nn - 1] = x + t + p;
            im[nn - 2] = -z;
            im[nn - 1] = z;
          }
          nn -= 2;
        } else {
          if (its === 60) throw new Error('eigenvalues: no convergence after 60 QR iterations');
          t = qrSweep(a, nn, l, its, t);
          its++;
        }
      }
    } while (l < nn - 1);
  }
  return { re, im };
}

// One double-shift QR sweep on rows/columns l..nn (exceptional shifts at iterations 10 and 20); returns the accumulated shift t.
function qrSweep(a: number[][], nn: number, l: number, its: number, t0: number): number {
  let t = t0;
  let x = a[nn]![nn]!;
  let y = a[nn - 1]![nn - 1]!;
  let w = a[nn]![nn - 1]! * a[nn - 1]![nn]!;
  if (its === 10 || its === 20) {
    t += x;
    for (let i = 1; i <= nn; i++) a[i]![i]! -= x;
    const s = Math.abs(a[nn]![nn - 1]!) + Math.abs(a[nn - 1]![nn - 2]!);
    y = x = 0.75 * s;
    w = -0.4375 * s * s;
  }
  let m: number;
  let p = 0;
  let q = 0;
  let r = 0;
  let z: number;
  for (m = nn - 2; m >= l; m--) {
    z = a[m]![m]!;
    r = x - z;
    let s = y - z;
    p = (r * s - w) / a[m + 1]![m]! + a[m]![m + 1]!;
    q = a[m + 1]![m + 1]! - z - r - s;
    r = a[m + 2]![m + 1]!;
    s = Math.abs(p) + Math.abs(q) + Math.abs(r);
    p /= s;
    q /= s;
    r /= s;
    if (m === l) break;
    const u = Math.abs(a[m]![m - 1]!) * (Math.abs(q) + Math.abs(r));
    const v = Math.abs(p) * (Math.abs(a[m - 1]![m - 1]!) + Math.abs(z) + Math.abs(a[m + 1]![m + 1]!));
    if (u + v === v) break;
  }
  for (let i = m + 2; i <= nn; i++) {
    a[i]![i - 2] = 0;
    if (i !== m + 2) a[i]![i - 3] = 0;
  }
  for (let k = m; k <= nn - 1; k++) {
    if (k !== m) {
      p = a[k]![k - 1]!;
      q = a[k + 1]![k - 1]!;
      r = k !== nn - 1 ? a[k + 2]![k - 1]! : 0;
      x = Math.abs(p) + Math.abs(q) + Math.abs(r);
      if (x !== 0) {
        p /= x;
        q /= x;
        r /= x;
      }
    }
    const norm = Math.sqrt(p * p + q * q + r * r);
    const s = p >= 0 ? norm : -norm;
    if (s === 0) continue;
    if (k === m) {
      if (l !== m) a[k]![k - 1] = -a[k]![k - 1]!;
    } else {
      a[k]![k - 1] = -s * x;
    }
    p += s;
    x = p / s;
    y = q / s;
    z = r / s;
    q /= p;
    r /= p;
    for (let j = k; j <= nn; j++) {
      p = a[k]![j]! + q * a[k + 1]![j]!;
      if (k !== nn - 1) {
        p += r * a[k + 2]![j]!;
        a[k + 2]![j]! -= p * z;
      }
      a[k + 1]![j]! -= p * y;
      a[k]![j]! -= p * x;
    }
    const mmin = Math.min(nn, k + 3);
    for (let i = l; i <= mmin; i++) {
      p = x * a[i]![k]! + y * a[i]![k + 1]!;
      if (k !== nn - 1) {
        p += z * a[i]![k + 2]!;
        a[i]![k + 2]! -= p * r;
      }
      a[i]![k + 1]! -= p * q;
      a[i]![k]! -= p;
    }
  }
  return t;
}
