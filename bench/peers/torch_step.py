#!/usr/bin/env python3
"""torch_step.py — peer: PyTorch on the CPU training the workloads springloop times
(bench/peers/peer.ts TORCH_WORKLOADS: stacked nn.RNN/LSTM/GRU, batch_first, Linear(H, outputs)
on the last step, MSE — or cross-entropy over random labels for the MNIST-rows LSTM — Adam). Times one training step (zero_grad, forward, loss, backward, Adam step,
loss.item()) at ONE torch thread count; bench/peers/torch.ts runs it once per setting
(OPENBLAS_NUM_THREADS must be set before the BLAS library loads, so each setting is its own
process) and keeps the fastest. Prints one JSON object on its last stdout line:
  {"torch", "python", "default_threads", "threads", "blas_libraries": [mapped paths],
   "blas_info": torch's BLAS_INFO, "rows"}
rows: [{"name", "times_ms": [...], "first_step_ms"}] (bench/peers/torch.ts summarises them).
usage: torch_step.py --workloads JSON [--threads 1] [--runs 20] [--warmup 3] [--seed 1234]
       torch_step.py --probe     (versions and the BLAS libraries only, no timing)
"""
import argparse
import json
import math
import re
import sys
import time

import torch

from blas_maps import blas_libraries

CELLS = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}


def blas_info():
    """torch's build-time BLAS_INFO ('generic' = the system libblas.so.3, 'mkl' = linked in)."""
    found = re.search(r"BLAS_INFO=([^,\s]+)", torch.__config__.show())
    return found.group(1) if found else ""


class PeerModel(torch.nn.Module):
    def __init__(self, w):
        super().__init__()
        self.rnn = CELLS[w["cell"]](w["inputSize"], w["hidden"], num_layers=w["layers"], batch_first=True)
        self.head = torch.nn.Linear(w["hidden"], w.get("outputs", 1))

    def forward(self, x):  # x: [B, T, I] -> [B, 1]
        out, _ = self.rnn(x)
        return self.head(out[:, -1, :])


def time_workload(w, warmup, runs, seed):
    torch.manual_seed(seed)
    model = PeerModel(w)
    opt = torch.optim.Adam(model.parameters(), lr=w["learningRate"])
    x = torch.randn(w["batch"], w["steps"], w["inputSize"])
    if w.get("loss", "mse") == "cross_entropy":
        y = torch.randint(0, w["outputs"], (w["batch"],))
        loss_fn = torch.nn.CrossEntropyLoss()
    else:
        y = torch.randn(w["batch"], 1)
        loss_fn = torch.nn.MSELoss()

    def step():
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        value = loss.item()
        if not math.isfinite(value):
            raise RuntimeError(f"torch {w['name']}: training loss is {value}")

    t0 = time.perf_counter()
    step()
    first = (time.perf_counter() - t0) * 1000.0
    for _ in range(max(0, warmup - 1)):
        step()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        step()
        times.append((time.perf_counter() - t0) * 1000.0)
    return {"name": w["name"], "times_ms": times, "first_step_ms": first}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--probe", action="store_true")
    ap.add_argument("--workloads", default="[]")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1234)
    args = ap.parse_args()
    default_threads = torch.get_num_threads()
    rows = []
    if not args.probe:
        torch.set_num_threads(args.threads)
        rows = [time_workload(w, args.warmup, args.runs, args.seed) for w in json.loads(args.workloads)]
    torch.ones(8, 8) @ torch.ones(8, 8)  # the BLAS is linked at import; make sure it is in use
    print(json.dumps({
        "torch": torch.__version__,
        "python": sys.version.split()[0],
        "default_threads": default_threads,
        "threads": torch.get_num_threads(),
        "blas_libraries": blas_libraries(),
        "blas_info": blas_info(),
        "rows": rows,
    }))


if __name__ == "__main__":
    main()
