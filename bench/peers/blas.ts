// blas.ts — which BLAS a PyTorch process runs on, from the shared libraries it mapped
// (/proc/self/maps, listed by torch_step.py) and torch's own build string (BLAS_INFO=…).
// Debian's python3-torch links libblas.so.3, which the alternatives system points at
// Netlib's reference BLAS (package libblas3, 3–4× slower on the recurrent step) unless an
// optimised one (libopenblas0-pthread, BLIS, MKL) is installed. A benchmark of "PyTorch as its
// users run it" must not time the reference one by accident, so the peer refuses it unless
// told otherwise (torch.ts).

/** The BLAS implementations told apart; 'static' = linked into torch itself (pip wheels: MKL). */
export type BlasKind = 'openblas' | 'mkl' | 'blis' | 'atlas' | 'reference' | 'static' | 'unknown';

/** Which BLAS a process runs on, as classifyBlas tells it. */
export interface BlasInfo {
  kind: BlasKind;
  /** OpenBLAS / BLIS threading flavour from Debian's directory name (pthread, openmp, serial). */
  variant?: string;
  /** Library version when the file name carries one (libopenblasp-r0.3.21.so → 0.3.21). */
  version?: string;
  /** The mapped file that decided it (absent for 'static' / 'unknown'). */
  library?: string;
  /** One-line description, e.g. 'OpenBLAS 0.3.21 (pthread)'. */
  label: string;
}

const NAMES: Record<BlasKind, string> = {
  openblas: 'OpenBLAS', mkl: 'MKL', blis: 'BLIS', atlas: 'ATLAS', reference: 'reference BLAS (Netlib)', static: 'built into torch', unknown: 'unknown BLAS',
};

/** Implementations recognised by a marker in the library's path, most specific first. */
const MARKERS: readonly { kind: BlasKind; test: RegExp }[] = [
  { kind: 'mkl', test: /libmkl/i },
  { kind: 'openblas', test: /openblas/i },
  { kind: 'blis', test: /blis/i },
  { kind: 'atlas', test: /atlas/i },
];

/**
 * Classifies the BLAS of a process from its mapped library paths and torch's BLAS_INFO.
 * A libblas.so.3 with no implementation's marker in its path is Netlib's reference BLAS (Debian
 * installs it as /usr/lib/<triple>/blas/libblas.so.3); no BLAS library at all means torch carries
 * its own (BLAS_INFO=mkl in pip wheels) or the list could not be read.
 */
export function classifyBlas(libraries: readonly string[], blasInfo?: string): BlasInfo {
  for (const { kind, test } of MARKERS) {
    const matching = libraries.filter((p) => test.test(p));
    // The implementation's own file (libopenblasp-r0.3.21.so) names the version.
    const own = matching.find((p) => test.test(p.split('/').pop() ?? '')) ?? matching[0];
    if (own) return describe(kind, own);
  }
  const plain = libraries.find((p) => /\/libc?blas\.so(\.\d+)*$/.test(p));
  if (plain) return describe('reference', plain);
  if (blasInfo && /mkl|openblas|blis|accelerate|eigen/i.test(blasInfo)) {
    return { kind: 'static', label: `${blasInfo} (${NAMES.static})` };
  }
  return { kind: 'unknown', label: `${NAMES.unknown}${blasInfo ? ` (torch BLAS_INFO=${blasInfo})` : ''}` };
}

function describe(kind: BlasKind, library: string): BlasInfo {
  const variant = /(?:openblas|blis)-(pthread|openmp|serial)/i.exec(library)?.[1];
  const version = /r(\d+\.\d+\.\d+)/.exec(library.split('/').pop() ?? '')?.[1];
  const label = `${NAMES[kind]}${version ? ` ${version}` : ''}${variant ? ` (${variant})` : ''}`;
  return { kind, library, label, ...(variant ? { variant } : {}), ...(version ? { version } : {}) };
}

/** True for the one implementation the peer refuses by default. */
export function isReferenceBlas(info: BlasInfo): boolean {
  return info.kind === 'reference';
}
