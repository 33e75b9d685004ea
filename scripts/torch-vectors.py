#!/usr/bin/env python3
"""torch-vectors.py — writes PyTorch conformance cases in the format of
../shared/conformance/README.md, for sizes and seeds of your choosing, so the cells can be
checked beyond the public set: `npm run conformance -- FILE`.

Needs torch (Debian: apt-get install python3-torch; it installs into /usr/bin/python3).
usage: torch-vectors.py OUT.json [--cases-per-cell 12] [--seed 7]
         [--input 2,4,11] [--hidden 1,8,31,64,97] [--layers 1,2,3] [--batch 1,2,13,32]
         [--seq 2,17,50] [--output 1,4] [--bidirectional] [--head every-step|last-step|final-states]
Each case draws every size from its list at random (seeded); the model, initialisation, data
and loss are the README's: nn.RNN/LSTM/GRU(batch_first) -> Linear on every step -> MSE, float64.
--bidirectional writes the README's "Bidirectional set" format. --head (a springloop extension
of the format, config.head; out and y are then [B, O]) puts the Linear on rnn_out[:, -1]
(last-step) or on the top layer's final states torch.cat([h_n[-2], h_n[-1]], 1) (final-states;
h_n[-1] for one direction).
"""
import argparse
import json
import random

import torch

MODULES = {"rnn_tanh": ("RNN", "tanh"), "rnn_relu": ("RNN", "relu"), "lstm": ("LSTM", None), "gru": ("GRU", None)}
GATE_ORDER = {"rnn_tanh": None, "rnn_relu": None, "lstm": "i,f,g,o", "gru": "r,z,n"}


def tensor(t):
    return {"shape": list(t.shape), "data": t.detach().reshape(-1).tolist()}


def ints(text):
    return [int(v) for v in text.split(",")]


def head_input(rnn_out, h_n, mode, directions):
    """What the Linear reads: every step, rnn_out[:, -1], or the top layer's final states."""
    if mode == "every-step":
        return rnn_out
    if mode == "last-step":
        return rnn_out[:, -1]
    return torch.cat([h_n[-directions + d] for d in range(directions)], dim=1)


def make_case(cell, index, cfg, seed, head_mode):
    module_name, nonlinearity = MODULES[cell]
    torch.manual_seed(seed)
    kwargs = dict(batch_first=True)
    if nonlinearity:
        kwargs["nonlinearity"] = nonlinearity
    D = 2 if cfg.get("bidirectional") else 1
    if D == 2:
        kwargs["bidirectional"] = True
    rnn = getattr(torch.nn, module_name)(cfg["input_size"], cfg["hidden_size"], cfg["num_layers"], **kwargs).double()
    head = torch.nn.Linear(D * cfg["hidden_size"], cfg["output_size"]).double()
    B, T, L, H = cfg["batch"], cfg["seq_len"], cfg["num_layers"], cfg["hidden_size"]
    x = torch.randn(B, T, cfg["input_size"], dtype=torch.float64, requires_grad=True)
    y_shape = (B, T, cfg["output_size"]) if head_mode == "every-step" else (B, cfg["output_size"])
    y = torch.randn(*y_shape, dtype=torch.float64)
    inputs = {"x": x, "y": y}
    state = None
    if cfg["initial_state"]:
        h0 = (0.5 * torch.randn(D * L, B, H, dtype=torch.float64)).requires_grad_()
        inputs["h0"] = h0
        state = h0
        if module_name == "LSTM":
            c0 = (0.5 * torch.randn(D * L, B, H, dtype=torch.float64)).requires_grad_()
            inputs["c0"] = c0
            state = (h0, c0)
    rnn_out, state_n = rnn(x, state)
    h_n, c_n = (state_n if module_name == "LSTM" else (state_n, None))
    out = head(head_input(rnn_out, h_n, head_mode, D))
    loss = torch.nn.functional.mse_loss(out, y)
    loss.backward()
    named = dict(rnn.named_parameters())
    named.update({f"head.{k}": v for k, v in head.named_parameters()})
    order = list(dict(rnn.named_parameters()).keys()) + ["head.weight", "head.bias"]
    outputs = {"out": tensor(out), "rnn_out": tensor(rnn_out), "h_n": tensor(h_n)}
    if c_n is not None:
        outputs["c_n"] = tensor(c_n)
    outputs["loss"] = loss.item()
    input_grads = {k: tensor(v.grad) for k, v in inputs.items() if k != "y"}
    return {
        "id": f"{cell}_{index:02d}", "cell": cell, "module": module_name, "nonlinearity": nonlinearity,
        "config": {**cfg, "batch_first": True, "bias": True, "gate_order": GATE_ORDER[cell]},
        "seed": seed, "param_order": order,
        "params": {k: tensor(named[k]) for k in order},
        "inputs": {k: tensor(v) for k, v in inputs.items()},
        "outputs": outputs,
        "param_grads": {k: tensor(named[k].grad) for k in order},
        "input_grads": input_grads,
    }


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("out")
    p.add_argument("--cases-per-cell", type=int, default=12)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--input", type=ints, default=[2, 4, 11])
    p.add_argument("--hidden", type=ints, default=[1, 8, 31, 64, 97])
    p.add_argument("--layers", type=ints, default=[1, 2, 3])
    p.add_argument("--batch", type=ints, default=[1, 2, 13, 32])
    p.add_argument("--seq", type=ints, default=[2, 17, 50])
    p.add_argument("--output", type=ints, default=[1, 4])
    p.add_argument("--bidirectional", action="store_true")
    p.add_argument("--head", choices=["every-step", "last-step", "final-states"], default="every-step")
    a = p.parse_args()
    pick = random.Random(a.seed)
    cases = []
    for cell in MODULES:
        for i in range(a.cases_per_cell):
            cfg = {"input_size": pick.choice(a.input), "hidden_size": pick.choice(a.hidden),
                   "num_layers": pick.choice(a.layers), "batch": pick.choice(a.batch),
                   "seq_len": pick.choice(a.seq), "initial_state": pick.random() < 0.5,
                   "output_size": pick.choice(a.output)}
            if a.bidirectional:
                cfg["bidirectional"] = True
            if a.head != "every-step":
                cfg["head"] = a.head
            cases.append(make_case(cell, i, cfg, pick.randrange(2**31), a.head))
    meta = {"set": "local", "generator": "scripts/torch-vectors.py", "selection_seed": a.seed,
            "torch_version": torch.__version__, "dtype": "float64", "num_cases": len(cases)}
    with open(a.out, "w") as f:
        json.dump({"meta": meta, "cases": cases}, f)
    print(f"wrote {len(cases)} cases to {a.out}")


if __name__ == "__main__":
    main()
