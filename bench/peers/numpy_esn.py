#!/usr/bin/env python3
"""numpy_esn.py — the textbook echo state network in NumPy (float64, BLAS through NumPy): the
peer of springloop's ESN in bench/esn.bench.ts (driven by bench/peers/numpy-esn.ts).

Fed springloop's own reservoir and series, from a directory holding
  manifest.json   units, features, leak, washout, ridge, rows, samples, fit_end, pred_offset, runs
  w.npy [N, N], win.npy [N, F], bias.npy [N]        the reservoir (W already spectrally scaled)
  inputs.npy [rows*samples, F], targets.npy [rows*samples], starts.npy [n]   (float32)
it runs, `runs` times:
  x_t = (1 - a) x_{t-1} + a tanh(W_in u_t + W x_{t-1} + b),  x_{-1} = 0 at each row's start
  Z = [1, u_t, x_t] for t in [washout, fit_end - 1) of every row, y = targets[t + 1]
  w_out = solve(Z^T Z + ridge I, Z^T y)
  predictions of windows: [1, u_p, x_p] . w_out for p = start + pred_offset
and writes peer_readout.npy [1 + F + N] and peer_pred.npy [n] (float64) next to the inputs; its
last stdout line is JSON: {"numpy", "blas_libraries", "threads", "runs": [{"drive_ms", "fit_ms", "predict_ms"}]}.
"""
import json
import os
import sys
import time

import numpy as np

from blas_maps import blas_libraries


def drive(w, win, bias, leak, inputs, rows, samples):
    """States [rows*samples, N] of the leaky-tanh reservoir, each row from a zero state."""
    n = w.shape[0]
    states = np.empty((rows * samples, n))
    for r in range(rows):
        x = np.zeros(n)
        for t in range(samples):
            p = r * samples + t
            x = (1.0 - leak) * x + leak * np.tanh(win @ inputs[p] + w @ x + bias)
            states[p] = x
    return states


def design(inputs, states, idx):
    return np.hstack([np.ones((len(idx), 1)), inputs[idx], states[idx]])


def main():
    root = sys.argv[1]
    m = json.load(open(os.path.join(root, "manifest.json")))
    load = lambda name: np.load(os.path.join(root, name)).astype(np.float64)
    w, win, bias = load("w.npy"), load("win.npy"), load("bias.npy")
    inputs, targets = load("inputs.npy"), load("targets.npy")
    starts = np.load(os.path.join(root, "starts.npy")).astype(np.int64)
    rows, samples = m["rows"], m["samples"]
    fit_rows = np.concatenate([r * samples + np.arange(m["washout"], m["fit_end"] - 1) for r in range(rows)])
    runs = []
    for _ in range(m.get("runs", 1)):
        t0 = time.perf_counter()
        states = drive(w, win, bias, m["leak"], inputs, rows, samples)
        t1 = time.perf_counter()
        z = design(inputs, states, fit_rows)
        gram = z.T @ z
        gram[np.diag_indices_from(gram)] += m["ridge"]
        readout = np.linalg.solve(gram, z.T @ targets[fit_rows + 1])
        t2 = time.perf_counter()
        pred = design(inputs, states, starts + m["pred_offset"]) @ readout
        t3 = time.perf_counter()
        runs.append({"drive_ms": 1e3 * (t1 - t0), "fit_ms": 1e3 * (t2 - t1), "predict_ms": 1e3 * (t3 - t2)})
    np.save(os.path.join(root, "peer_readout.npy"), readout)
    np.save(os.path.join(root, "peer_pred.npy"), pred)
    threads = os.environ.get("OPENBLAS_NUM_THREADS") or os.environ.get("OMP_NUM_THREADS") or str(os.cpu_count())
    print(json.dumps({"numpy": np.__version__, "blas_libraries": blas_libraries(), "threads": threads, "runs": runs}))


if __name__ == "__main__":
    main()
