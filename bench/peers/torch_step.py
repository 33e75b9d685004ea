#!/usr/bin/env python3
"""torch_step.py — peer: PyTorch on the CPU training the lectures' models (2 stacked
nn.RNN/LSTM/GRU layers of 64, batch_first, Linear(64, 1) on the last step, MSE, Adam 1e-3,
batch 32, seq 50, input 1). Times one training step (zero_grad, forward, loss, backward,
Adam step) at each thread count given, keeps the fastest per cell, and prints one JSON
object {"torch": version, "rows": [BenchRow...]} on stdout (see bench/stats.ts).
Run by bench/peers/torch.ts; usage: torch_step.py [--runs 5] [--warmup 2] [--threads 1,2]
"""
import argparse
import json
import time

import torch

SEED_CONFIG = dict(batch=32, steps=50, input_size=1, hidden=64, layers=2, lr=1e-3)
CELLS = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}


class SeedModel(torch.nn.Module):
    def __init__(self, cell):
        super().__init__()
        c = SEED_CONFIG
        self.rnn = CELLS[cell](c["input_size"], c["hidden"], num_layers=c["layers"], batch_first=True)
        self.head = torch.nn.Linear(c["hidden"], 1)

    def forward(self, x):  # x: [B, T, I] -> [B, 1]
        out, _ = self.rnn(x)
        return self.head(out[:, -1, :])


def percentile(sorted_ms, q):
    """Linear interpolation between closest ranks, as bench/stats.ts percentile()."""
    at = (len(sorted_ms) - 1) * q
    lo, hi = int(at // 1), int(-(-at // 1))
    return sorted_ms[lo] + (sorted_ms[hi] - sorted_ms[lo]) * (at - lo)


def time_steps(cell, threads, warmup, runs, seed):
    torch.set_num_threads(threads)
    torch.manual_seed(seed)
    c = SEED_CONFIG
    model = SeedModel(cell)
    opt = torch.optim.Adam(model.parameters(), lr=c["lr"])
    x = torch.randn(c["batch"], c["steps"], c["input_size"])
    y = torch.randn(c["batch"], 1)
    loss_fn = torch.nn.MSELoss()

    def step():
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        value = loss.item()
        if value != value or value in (float("inf"), float("-inf")):
            raise RuntimeError(f"torch {cell}: training loss is {value}")

    for _ in range(warmup):
        step()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        step()
        times.append((time.perf_counter() - t0) * 1000.0)
    return sorted(times)


def row_for(cell, by_threads):
    """BenchRow of the fastest thread count; the others' medians go in notes."""
    medians = {n: percentile(t, 0.5) for n, t in by_threads.items()}
    best = min(medians, key=medians.get)
    t = by_threads[best]
    notes = {"threads": best, "torch": torch.__version__}
    for n, m in medians.items():
        notes[f"median_ms_threads_{n}"] = round(m, 3)
    return {
        "name": f"peer/torch-cpu/train_step/{cell}/seed",
        "median_ms": medians[best],
        "p10_ms": percentile(t, 0.1),
        "p90_ms": percentile(t, 0.9),
        "unit": "steps/s",
        "throughput": 1000.0 / medians[best],
        "notes": notes,
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--cells", default="rnn,lstm,gru")
    ap.add_argument("--seed", type=int, default=1234)
    args = ap.parse_args()
    default_threads = torch.get_num_threads()
    thread_counts = [int(n) for n in args.threads.split(",") if n.strip()]
    rows = []
    for cell in [c for c in args.cells.split(",") if c.strip()]:
        by_threads = {n: time_steps(cell, n, args.warmup, args.runs, args.seed) for n in thread_counts}
        rows.append(row_for(cell, by_threads))
    print(json.dumps({"torch": torch.__version__, "default_threads": default_threads, "rows": rows}))


if __name__ == "__main__":
    main()
