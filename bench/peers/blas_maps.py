"""blas_maps.py — which BLAS a Python peer really loaded: the shared libraries mapped into this
process (/proc/self/maps) whose name marks a BLAS or LAPACK; bench/peers/blas.ts classifies the
list (OpenBLAS, MKL, … or Netlib's reference BLAS, which the peers refuse by default)."""

BLAS_MARKERS = ("blas", "lapack", "mkl", "blis", "atlas")


def blas_libraries():
    """Mapped library paths whose file name carries a BLAS marker ([] when maps cannot be read)."""
    try:
        with open("/proc/self/maps", encoding="utf-8") as maps:
            paths = {line.split()[-1] for line in maps if "/" in line}
    except OSError:
        return []
    return sorted(p for p in paths if any(m in p.rsplit("/", 1)[-1].lower() for m in BLAS_MARKERS))
